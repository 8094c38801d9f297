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
        var first = Math.Max(1, from);
        var firstWord = (first - 1) >> 6;
        if (firstWord >= bits.Length)
        {
            return 0; // from lies past every number held (as when nothing was measured: from is long.MaxValue)
        }

        for (var word = (int)firstWord; word < bits.Length; word++)
        {
            var mine = bits[word] & ~(word < other.bits.Length ? other.bits[word] : 0UL);
            if (word == (int)firstWord)
            {
                mine &= ulong.MaxValue << (int)((first - 1) & 63);
            }

            missing += System.Numerics.BitOperations.PopCount(mine);
        }

        return missing;
    }

    /// <summary>Adds every number of <paramref name="other"/> to this set.</summary>
    public void UnionWith(SequenceSet other)
    {
        if (other.bits.Length > bits.Length)
        {
            Array.Resize(ref bits, other.bits.Length);
        }

        long count = 0;
        for (var word = 0; word < bits.Length; word++)
        {
            if (word < other.bits.Length)
            {
                bits[word] |= other.bits[word];
            }

            count += System.Numerics.BitOperations.PopCount(bits[word]);
        }

        Count = count;
        Highest = Math.Max(Highest, other.Highest);
    }

    /// <summary>A copy, safe to read while the original changes.</summary>
    public SequenceSet Clone() => new() { bits = (ulong[])bits.Clone(), Count = Count, Highest = Highest };
}
