using System.Security.Cryptography;

namespace Bench.Targets.Dispatcher;

/// <summary>
/// Seals endpoint secrets before they are written to the outbox or the endpoints file (AES-256-GCM, a fresh nonce
/// each), so a copied outbox does not give away the keys that sign deliveries. The key comes from
/// <c>BENCH_OUTBOX_KEY</c> (base64 of 32 bytes) or from a key file beside the store, made on first use, readable by
/// its owner only. Whoever can read the key file can open the secrets: keep it where the outbox's readers cannot.
/// </summary>
public sealed class SecretBox
{
    /// <summary>The environment variable that may hold the key, base64 of 32 bytes.</summary>
    public const string KeyVariable = "BENCH_OUTBOX_KEY";

    private const string Prefix = "v1:";
    private const int NonceBytes = 12, TagBytes = 16;
    private readonly byte[] key;

    public SecretBox(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("the outbox key is 32 bytes", nameof(key));
        }

        this.key = key;
    }

    /// <summary>The key given in <c>BENCH_OUTBOX_KEY</c>, null when none is; throws naming the variable when it is not a key.</summary>
    public static byte[]? EnvironmentKey()
    {
        if (Environment.GetEnvironmentVariable(KeyVariable) is not { Length: > 0 } encoded)
        {
            return null;
        }

        var bytes = new byte[33];
        return Convert.TryFromBase64String(encoded, bytes, out var written) && written == 32
            ? bytes[..32]
            : throw new ArgumentException($"{KeyVariable}: must be the base64 of 32 bytes");
    }

    /// <summary>The box for a store at <paramref name="storePath"/>: the key from the environment, or from <c>STORE.key</c>.</summary>
    public static SecretBox ForStore(string storePath)
    {
        if (EnvironmentKey() is { } given)
        {
            return new SecretBox(given);
        }

        var keyPath = KeyPath(storePath);
        if (KeyFileProblem(storePath) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        if (File.Exists(keyPath))
        {
            PrivateFiles.Restrict(keyPath);
            return new SecretBox(File.ReadAllBytes(keyPath));
        }

        var fresh = RandomNumberGenerator.GetBytes(32);
        PrivateFiles.WriteAllBytes(keyPath, fresh);
        return new SecretBox(fresh);
    }

    /// <summary>The key file beside a store.</summary>
    public static string KeyPath(string storePath) => storePath + ".key";

    /// <summary>
    /// Why the key file beside <paramref name="storePath"/> cannot
    /// be used (a link, not 32 bytes), or null (also absent).
    /// </summary>
    public static string? KeyFileProblem(string storePath)
    {
        var keyPath = KeyPath(storePath);
        if (PrivateFiles.LinkProblem(keyPath) is { } link)
        {
            return link;
        }

        return File.Exists(keyPath) && new FileInfo(keyPath).Length != 32 ? $"{keyPath} must hold 32 bytes (the outbox key)" : null;
    }

    public string Seal(string secret)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret sealed in <paramref name="sealedSecret"/>, or null when it is not one this key sealed.</summary>
    public string? Open(string sealedSecret)
    {
        if (!sealedSecret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(sealedSecret[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length < NonceBytes + TagBytes)
        {
            return null;
        }

        var plainLength = bytes.Length - NonceBytes - TagBytes;
        var plain = new byte[plainLength];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, plainLength), bytes.AsSpan(NonceBytes + plainLength), plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return System.Text.Encoding.UTF8.GetString(plain);
    }
}

/// <summary>
/// Files only their owner may read or write (0600 on Unix): the outbox, its key, the endpoints file. A path that is a
/// symbolic link is refused, never followed: a link planted where the file is expected must not get its target narrowed
/// or overwritten. Whole files are written to a temporary file beside them and renamed over them.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> empty and owner-only if it does not exist; narrows it to owner-only if it does.</summary>
    public static void Ensure(string path)
    {
        RefuseLink(path);
        if (!File.Exists(path))
        {
            using var created = new FileStream(path, Options(FileMode.CreateNew));
        }

        Restrict(path);
    }

    public static void Restrict(string path)
    {
        RefuseLink(path);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    /// <summary>Throws <see cref="IOException"/> naming <paramref name="path"/> when it is a symbolic link.</summary>
    public static void RefuseLink(string path)
    {
        if (LinkProblem(path) is { } problem)
        {
            throw new IOException(problem);
        }
    }

    /// <summary>Why <paramref name="path"/> may not be written (it is a symbolic link), or null.</summary>
    public static string? LinkProblem(string path) =>
        new FileInfo(path).LinkTarget is not null ? $"{path} is a symbolic link; Bench does not write through links" : null;

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        RefuseLink(path);
        var temp = TempBeside(path);
        using (var file = new FileStream(temp, Options(FileMode.CreateNew)))
        {
            file.Write(bytes);
        }

        // rename(2) replaces the name itself: were a link put there since the check, the link goes, not its target.
        File.Move(temp, path, overwrite: true);
    }

    public static void WriteAllLines(string path, IEnumerable<string> lines)
    {
        RefuseLink(path);
        var temp = TempBeside(path);
        using (var file = new FileStream(temp, Options(FileMode.CreateNew)))
        using (var writer = new StreamWriter(file))
        {
            foreach (var line in lines)
            {
                writer.Write(line);
                writer.Write('\n');
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Adds one line at the end of <paramref name="path"/> (created owner-only when new).</summary>
    public static void AppendLine(string path, string line)
    {
        Ensure(path);
        using var file = new FileStream(path, Options(FileMode.Append));
        using var writer = new StreamWriter(file);
        writer.Write(line);
        writer.Write('\n');
    }

    private static string TempBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");

    private static FileStreamOptions Options(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows() && mode is FileMode.CreateNew or FileMode.Append)
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }
}
