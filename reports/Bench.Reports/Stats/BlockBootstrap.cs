using Bench.Reports.Histograms;
using Bench.Reports.Model;
using HdrHistogram;

namespace Bench.Reports.Stats;

/// <summary>
/// Intervals from one run: the measured seconds are the blocks (deliveries within a second share causes — one event
/// reaches every subscriber — so seconds, not deliveries, are what is drawn); each replicate draws as many seconds as
/// were measured, with replacement, and computes the figure on what it drew. With three or more launches
/// (<c>--repeat</c>), launches are the blocks instead, which also covers launch-to-launch noise. Deterministic: the
/// seed comes from the case's name, so the same results render the same report.
/// </summary>
public static class BlockBootstrap
{
    public const int Replicates = 1000;

    /// <summary>The interval's coverage: 95 %, the 2.5th to the 97.5th percentile of the replicates.</summary>
    public const double Level = 0.95;

    /// <summary>Fewer measured seconds than this give no interval: too few blocks to resample.</summary>
    public const int MinBlocks = 5;

    /// <summary>Launches needed before launches, not seconds, are the blocks.</summary>
    public const int MinLaunches = 3;

    /// <summary>
    /// Replicates of a latency percentile, or null when the result has too few blocks. From launches when there are
    /// enough (their own percentile, the median of the drawn ones), else from the measured seconds.
    /// </summary>
    public static double[]? Percentile(ScenarioResult r, double percentile, string name)
    {
        if (HierarchicalBootstrap.Applies(r))
        {
            // Interleaved: launches, then rounds, drawn alike for every transport of the comparison.
            return HierarchicalBootstrap.Percentile(r, percentile);
        }

        var random = new Random(Seed(name + "/" + percentile.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (r.Launches.Count >= MinLaunches && (percentile == 50 || percentile == 99))
        {
            var launches = r.Launches.Select(l => (double)(percentile == 50 ? l.P50Us : l.P99Us)).ToArray();
            return Replicate(random, launches.Length, draw => Median(draw.Select(i => launches[i])));
        }

        var sparse = r.LatencyBySecond.Where(s => s.Second >= 0 && s.Count > 0).Select(s => Sparse(s.Histogram)).ToArray();
        if (sparse.Length < MinBlocks)
        {
            return null;
        }

        // Every value any second holds, in order, once; each second as (index into them, count). A replicate then adds
        // its drawn seconds' counts into one array and walks it, with no sort: a long run (hundreds of seconds, each with
        // hundreds of distinct values) costs a fraction of a second, not minutes.
        var values = sparse.SelectMany(b => b.Select(x => x.Value)).Distinct().Order().ToArray();
        var position = new Dictionary<long, int>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            position[values[i]] = i;
        }

        var blocks = sparse.Select(b => b.Select(x => (Index: position[x.Value], x.Count)).ToArray()).ToArray();
        var counts = new long[values.Length];
        return Replicate(random, blocks.Length, draw => ValueAt(values, counts, draw.Select(i => blocks[i]), percentile));
    }

    /// <summary>
    /// Replicates of a ratio of sums over blocks (Σ numerator / Σ denominator), e.g. CPU per delivery over measured
    /// seconds.
    /// </summary>
    public static double[]? RatioOfSums(IReadOnlyList<(double Numerator, double Denominator)> blocks, string name)
    {
        if (blocks.Count < MinBlocks)
        {
            return null;
        }

        var random = new Random(Seed(name));
        return Replicate(random, blocks.Count, draw =>
        {
            double n = 0, d = 0;
            foreach (var i in draw)
            {
                n += blocks[i].Numerator;
                d += blocks[i].Denominator;
            }

            return d > 0 ? n / d : double.NaN;
        });
    }

    /// <summary>The 95 % interval of replicates (2.5th and 97.5th percentiles), ignoring non-finite ones.</summary>
    public static (double Low, double High) Interval(IEnumerable<double> replicates)
    {
        var sorted = replicates.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var tail = (1 - Level) / 2;
        return (sorted[(int)Math.Floor(tail * (sorted.Length - 1))], sorted[(int)Math.Ceiling((1 - tail) * (sorted.Length - 1))]);
    }

    /// <summary>Replicates of a / b, pairing independent draws.</summary>
    public static double[] Ratio(double[] a, double[] b) => [.. a.Zip(b, (x, y) => y > 0 ? x / y : double.NaN)];

    private static double[] Replicate(Random random, int blocks, Func<int[], double> figure)
    {
        var replicates = new double[Replicates];
        var draw = new int[blocks];
        for (var k = 0; k < Replicates; k++)
        {
            for (var i = 0; i < blocks; i++)
            {
                draw[i] = random.Next(blocks);
            }

            replicates[k] = figure(draw);
        }

        return replicates;
    }

    internal static (long Value, long Count)[] Sparse(string histogram)
    {
        var h = HistogramCodec.Decode(histogram);
        return [.. h.RecordedValues().Select(v => (h.HighestEquivalentValue(v.ValueIteratedTo), v.CountAddedInThisIterationStep))];
    }

    /// <summary>The percentile of the drawn seconds together, by the reference's rule (count rounded up).</summary>
    internal static double ValueAt(long[] values, long[] counts, IEnumerable<(int Index, long Count)[]> drawn, double percentile)
    {
        Array.Clear(counts);
        long total = 0;
        foreach (var block in drawn)
        {
            foreach (var (index, c) in block)
            {
                counts[index] += c;
                total += c;
            }
        }

        if (total == 0)
        {
            return double.NaN;
        }

        var fpCount = percentile / 100.0 * total;
        var count = Math.Max((long)Math.Ceiling(fpCount - (Math.BitIncrement(fpCount) - fpCount)), 1);
        long running = 0;
        for (var i = 0; i < values.Length; i++)
        {
            running += counts[i];
            if (running >= count)
            {
                return values[i];
            }
        }

        return values[^1];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>FNV-1a of the name: stable across processes, unlike string.GetHashCode.</summary>
    internal static int Seed(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7fffffff);
    }
}
