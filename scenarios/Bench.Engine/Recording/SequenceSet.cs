namespace Bench.Engine.Recording;

/// <summary>A growable bitmap of positive numbers (event numbers, sequence numbers): exact membership and counts.</summary>
public sealed class SequenceSet
{
    private ulong[] bits = new ulong[64];

    /// <summary>How many distinct numbers the set holds.</summary>
    public long Count { get; private set; }

    /// <summary>The highest number added, or 0.</summary>
    public long Highest { get; private set; }

    /// <summary>Adds <paramref name="n"/>; returns false when it was there already. Not thread-safe: callers lock.</summary>
    public bool Add(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var word = (int)((n - 1) >> 6);
        if (word >= bits.Length)
        {
            Array.Resize(ref bits, Math.Max(bits.Length * 2, word + 1));
        }

        var bit = 1UL << (int)((n - 1) & 63);
        if ((bits[word] & bit) != 0)
        {
            return false;
        }

        bits[word] |= bit;
        Count++;
        Highest = Math.Max(Highest, n);
        return true;
    }

    public bool Contains(long n)
    {
        if (n <= 0)
        {
            return false;
        }

        var word = (int)((n - 1) >> 6);
        return word < bits.Length && (bits[word] & (1UL << (int)((n - 1) & 63))) != 0;
    }

    /// <summary>How many numbers from <paramref name="from"/> on are in this set but not in <paramref name="other"/>.</summary>
    public long CountMissingFrom(SequenceSet other, long from = 1)
    {
        long missing = 0;
        for (var n = Math.Max(1, from); n <= Highest; n++)
        {
            if (Contains(n) && !other.Contains(n))
            {
                missing++;
            }
        }

        return missing;
    }

    /// <summary>How many numbers from <paramref name="from"/> on the set holds.</summary>
    public long CountFrom(long from)
    {
        long count = 0;
        for (var n = Math.Max(1, from); n <= Highest; n++)
        {
            if (Contains(n))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>A copy, safe to read while the original changes.</summary>
    public SequenceSet Clone() => new() { bits = (ulong[])bits.Clone(), Count = Count, Highest = Highest };
}
