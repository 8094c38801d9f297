namespace Bench.Harness.Clients;

/// <summary>
/// Event payloads: printable ASCII so the JSON envelope carries them as they are, the same bytes for every transport.
/// Each event gets a different window of a 1 MiB random text, spaced so that no event repeats anything a compressor
/// could still remember (deflate looks back 32 KiB): compression is measured on text as varied as real events', not
/// on one payload sent over and over.
/// </summary>
public sealed class Payloads
{
    private const int PoolBytes = 1024 * 1024;
    private const int DeflateWindow = 32 * 1024;
    private readonly byte[] pool;
    private readonly long step;

    public Payloads(int size)
    {
        Size = size;
        pool = Random(PoolBytes + size, seed: size);
        step = size + DeflateWindow + 17;
    }

    public int Size { get; }

    /// <summary>Event <paramref name="number"/>'s payload.</summary>
    public ReadOnlyMemory<byte> For(long number) => pool.AsMemory((int)(number * step % PoolBytes), Size);

    /// <summary>Event <paramref name="number"/>'s payload as a string (for clients that send typed values, as SignalR's do).</summary>
    public string StringFor(long number) => System.Text.Encoding.ASCII.GetString(For(number).Span);

    /// <summary>One fixed payload of <paramref name="bytes"/> random letters and digits.</summary>
    public static byte[] Create(int bytes) => Random(bytes, seed: bytes);

    private static byte[] Random(int bytes, int seed)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var payload = new byte[bytes];
        var random = new Random(seed);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)alphabet[random.Next(alphabet.Length)];
        }

        return payload;
    }
}
