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

    /// <summary>How many numbers this set and <paramref name="other"/> both hold.</summary>
    public long CountCommon(SequenceSet other)
    {
        long common = 0;
        for (var word = 0; word < Math.Min(bits.Length, other.bits.Length); word++)
        {
            common += System.Numerics.BitOperations.PopCount(bits[word] & other.bits[word]);
        }

        return common;
    }

    /// <summary>The numbers held, as runs of consecutive numbers in ascending order.</summary>
    public IEnumerable<(long From, long To)> Ranges()
    {
        long from = 0, last = 0;
        foreach (var n in Numbers())
        {
            if (from != 0 && n == last + 1)
            {
                last = n;
                continue;
            }

            if (from != 0)
            {
                yield return (from, last);
            }

            (from, last) = (n, n);
        }

        if (from != 0)
        {
            yield return (from, last);
        }
    }

    /// <summary>The numbers held, in ascending order.</summary>
    public IEnumerable<long> Numbers()
    {
        for (var word = 0; word < bits.Length; word++)
        {
            var w = bits[word];
            while (w != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(w);
                yield return ((long)word << 6) + bit + 1;
                w &= w - 1;
            }
        }
    }

    /// <summary>
    /// The set as text: runs joined by commas, each a number, <c>a-b</c> (every number from a to b) or <c>a-b/k</c>
    /// (a, a+k, …, b: one agent's share of interleaved numbers) — <c>1-2500,2502,2504-5000/3</c>; empty for an empty set.
    /// </summary>
    public string ToRangeText()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        long from = 0, last = 0, step = 0;
        void Flush()
        {
            if (from == 0)
            {
                return;
            }

            text.Append(text.Length > 0 ? "," : "");
            if (from == last)
            {
                text.Append(from.ToString(inv));
            }
            else if (step == 1)
            {
                text.Append(inv, $"{from}-{last}");
            }
            else if (last - from == step)
            {
                text.Append(inv, $"{from},{last}");
            }
            else
            {
                text.Append(inv, $"{from}-{last}/{step}");
            }
        }

        foreach (var n in Numbers())
        {
            if (from != 0 && (step == 0 || n - last == step))
            {
                step = n - last;
                last = n;
                continue;
            }

            Flush();
            (from, last, step) = (n, n, 0);
        }

        Flush();
        return text.ToString();
    }

    /// <summary>Reads <see cref="ToRangeText"/>'s text; throws <see cref="FormatException"/> for anything else.</summary>
    public static SequenceSet FromRangeText(string text)
    {
        var set = new SequenceSet();
        foreach (var (from, to, step) in Runs(text))
        {
            set.AddRun(from, to, step);
        }

        return set;
    }

    /// <summary>
    /// What <see cref="FromRangeText"/> would hold, read without building the set: how many numbers and the highest
    /// (so a reader can refuse a text that names too many before it allocates them). Throws <see cref="FormatException"/>.
    /// </summary>
    public static (long Count, long Highest) MeasureRangeText(string text)
    {
        long count = 0, highest = 0;
        foreach (var (from, to, step) in Runs(text))
        {
            count += ((to - from) / step) + 1;
            highest = to;
        }

        return (count, highest);
    }

    /// <summary>The runs of a range text, checked: ascending, each a, a-b or a-b/k with b reached from a in steps of k.</summary>
    private static IEnumerable<(long From, long To, long Step)> Runs(string text)
    {
        const System.Globalization.NumberStyles plain = System.Globalization.NumberStyles.None;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        long last = 0;
        var start = 0;
        while (start < text.Length)
        {
            var comma = text.IndexOf(',', start);
            var end = comma < 0 ? text.Length : comma;
            if (end > start)
            {
                var part = text.AsMemory(start, end - start);
                var run = Parse(part.Span, last, plain, inv);
                if (run is not { } r)
                {
                    var shown = part.Length > 40 ? part[..40] + "…" : part.ToString();
                    throw new FormatException($"'{shown}' is not an ascending run of event numbers");
                }

                last = r.To;
                yield return r;
            }

            start = end + 1;
        }
    }

    private static (long From, long To, long Step)? Parse(
        ReadOnlySpan<char> part, long last, System.Globalization.NumberStyles plain, IFormatProvider inv)
    {
        var slash = part.IndexOf('/');
        var range = slash < 0 ? part : part[..slash];
        var dash = range.IndexOf('-');
        long step = 1;
        if (!long.TryParse(dash < 0 ? range : range[..dash], plain, inv, out var from)
            || !long.TryParse(dash < 0 ? range : range[(dash + 1)..], plain, inv, out var to)
            || (slash >= 0 && (!long.TryParse(part[(slash + 1)..], plain, inv, out step) || step < 1 || (to - from) % step != 0))
            || from <= last || to < from || to > MaxRange)
        {
            return null;
        }

        return (from, to, step);
    }

    /// <summary>
    /// Adds <paramref name="from"/>, from + step, …, <paramref name="to"/> a 64-bit word at a time: the pattern of an
    /// arithmetic run repeats every <paramref name="step"/> words, so a run costs its words, not its numbers.
    /// </summary>
    private void AddRun(long from, long to, long step)
    {
        var firstWord = (from - 1) >> 6;
        var lastWord = (to - 1) >> 6;
        if (lastWord >= bits.Length)
        {
            Array.Resize(ref bits, (int)Math.Max(bits.Length * 2L, lastWord + 1));
        }

        if (step >= 64 || lastWord - firstWord < 2)
        {
            for (var n = from; n <= to; n += step)
            {
                Add(n);
            }

            return;
        }

        // The words firstWord … firstWord + step - 1 of the run extended back to the start of firstWord.
        var pattern = new ulong[step];
        var origin = (firstWord << 6) + 1;
        var n0 = from - ((from - origin) / step * step);
        for (var n = n0; n < origin + (step << 6); n += step)
        {
            var offset = n - origin;
            pattern[offset >> 6] |= 1UL << (int)(offset & 63);
        }

        long added = 0;
        for (var word = firstWord; word <= lastWord; word++)
        {
            var mask = pattern[(word - firstWord) % step];
            if (word == firstWord)
            {
                mask &= ulong.MaxValue << (int)((from - 1) & 63);
            }

            if (word == lastWord)
            {
                mask &= ulong.MaxValue >> (63 - (int)((to - 1) & 63));
            }

            added += System.Numerics.BitOperations.PopCount(mask & ~bits[word]);
            bits[word] |= mask;
        }

        Count += added;
        Highest = Math.Max(Highest, to);
    }

    /// <summary>
    /// The highest number read from text: far more events than any run publishes, far less than a bitmap that would
    /// exhaust memory.
    /// </summary>
    public const long MaxRange = 1_000_000_000;
}
