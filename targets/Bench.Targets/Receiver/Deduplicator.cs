using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bench.Targets.Receiver;

/// <summary>
/// Remembers each <c>webhook-id</c> for as long as a delivery carrying it could still be accepted: until its signed
/// timestamp is older than the tolerance. Ids are kept as 128-bit SHA-256 prefixes (an id of any length costs the same),
/// in a byte budget; when the budget is full a new id is refused, never an id still inside the tolerance forgotten.
/// Thread-safe.
/// </summary>
public sealed class Deduplicator(long maxBytes, TimeSpan tolerance, TimeProvider clock)
{
    /// <summary>What one remembered id costs: its hash and expiry in the set and in the expiry queue.</summary>
    public const int EntryBytes = 96;

    /// <summary>What a later expiry for an id already remembered costs (one more queue entry).</summary>
    private const int ExtensionBytes = 40;

    private readonly object gate = new();
    private readonly Dictionary<UInt128, long> expiries = [];
    private readonly PriorityQueue<UInt128, long> byExpiry = new();
    private readonly long toleranceSeconds = (long)Math.Ceiling(tolerance.TotalSeconds);
    private long bytes;

    /// <summary>Bytes the remembered ids hold now.</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="id"/>, signed with <paramref name="timestampSeconds"/>, is new (remembered from now on), a
    /// duplicate, or cannot be remembered because the budget is full (the delivery must be refused, to be sent again).
    /// </summary>
    public Seen Check(string id, long timestampSeconds)
    {
        var key = Hash(id);
        var expiry = SaturatingAdd(timestampSeconds, toleranceSeconds);
        lock (gate)
        {
            Expire(clock.GetUtcNow().ToUnixTimeSeconds());
            if (expiries.TryGetValue(key, out var known))
            {
                if (expiry > known && bytes + ExtensionBytes <= maxBytes)
                {
                    // A redelivery signed later: it could be replayed for longer, so the id is kept for longer.
                    expiries[key] = expiry;
                    byExpiry.Enqueue(key, expiry);
                    bytes += ExtensionBytes;
                }

                return Seen.Duplicate;
            }

            if (bytes + EntryBytes > maxBytes)
            {
                return Seen.Full;
            }

            expiries[key] = expiry;
            byExpiry.Enqueue(key, expiry);
            bytes += EntryBytes;
            return Seen.First;
        }
    }

    /// <summary>Seconds until the oldest remembered id expires (at least 1): when a refused delivery may be sent again.</summary>
    public long SecondsUntilRoom()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            return byExpiry.TryPeek(out _, out var expiry) ? Math.Clamp(expiry - now + 1, 1, Math.Max(1, toleranceSeconds)) : 1;
        }
    }

    private void Expire(long now)
    {
        while (byExpiry.TryPeek(out var key, out var expiry) && expiry < now)
        {
            byExpiry.Dequeue();
            if (expiries.TryGetValue(key, out var current) && current == expiry)
            {
                expiries.Remove(key);
                bytes -= EntryBytes;
            }
            else
            {
                bytes -= ExtensionBytes;
            }
        }
    }

    private static UInt128 Hash(string id)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}

/// <summary>What the de-duplicator made of a <c>webhook-id</c>.</summary>
public enum Seen
{
    First,
    Duplicate,
    Full,
}
