namespace Bench.Engine.Recording;

/// <summary>
/// Exact accounting of one subscriber's stream from its sequence numbers (1, 2, 3, ...): distinct deliveries,
/// duplicates and out-of-order arrivals. Lost events are what was published minus what arrived at least once.
/// Thread-safe; deliveries of one stream may arrive on different threads.
/// </summary>
public sealed class StreamTracker(string stream)
{
    private readonly object gate = new();
    private ulong[] seen = new ulong[64];
    private long highest;
    private long distinct;
    private long distinctMeasured;
    private long duplicated;
    private long outOfOrder;

    public string Stream { get; } = stream;

    /// <summary>Records the arrival of <paramref name="seq"/>; returns false for a duplicate.</summary>
    public bool Observe(long seq, bool measured)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seq);
        lock (gate)
        {
            var word = (int)((seq - 1) >> 6);
            if (word >= seen.Length)
            {
                Array.Resize(ref seen, Math.Max(seen.Length * 2, word + 1));
            }

            var bit = 1UL << (int)((seq - 1) & 63);
            if ((seen[word] & bit) != 0)
            {
                duplicated++;
                return false;
            }

            seen[word] |= bit;
            distinct++;
            if (measured)
            {
                distinctMeasured++;
            }

            if (seq < highest)
            {
                outOfOrder++;
            }
            else
            {
                highest = seq;
            }

            return true;
        }
    }

    public StreamCounts Snapshot()
    {
        lock (gate)
        {
            return new StreamCounts(Stream, distinct, distinctMeasured, duplicated, outOfOrder, highest);
        }
    }
}

/// <summary>One stream's counts at a moment.</summary>
public sealed record StreamCounts(string Stream, long Distinct, long DistinctMeasured, long Duplicated, long OutOfOrder, long HighestSeq);
