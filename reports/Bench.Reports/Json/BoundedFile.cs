namespace Bench.Reports.Json;

/// <summary>
/// Reads a file that may come from anywhere with a size cap checked before anything is read, so a huge file is
/// refused in one line rather than filling memory (a 79 MB JUnit file once cost <c>bench trend</c> 655 MiB).
/// </summary>
public static class BoundedFile
{
    /// <summary>The largest gate file read (<c>--gate</c>): a gate file is a few hundred bytes.</summary>
    public const long MaxGateBytes = 1024 * 1024;

    /// <summary>The largest <c>compare.junit.xml</c> read by <c>bench trend</c>: one test case per gated metric, a few KB.</summary>
    public const long MaxJUnitBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The text of <paramref name="path"/>; throws <see cref="InvalidDataException"/> when it is larger than
    /// <paramref name="maxBytes"/>.
    /// </summary>
    public static string ReadAllText(string path, long maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxBytes)
        {
            throw new InvalidDataException($"{path} is {Size(stream.Length)}; Bench reads files of this kind of up to {Size(maxBytes)}");
        }

        // Read at most the cap even if the file grows while it is read (a pipe or a file still being written).
        var buffer = new byte[Math.Min(maxBytes + 1, Math.Max(stream.Length, 4096))];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        if (total > maxBytes)
        {
            throw new InvalidDataException($"{path} is larger than {Size(maxBytes)}; Bench reads files of this kind of up to that");
        }

        using var text = new StreamReader(new MemoryStream(buffer, 0, total), detectEncodingFromByteOrderMarks: true);
        return text.ReadToEnd();
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " KiB";
}
