using Bench.Reports.Model;

namespace Bench.Reports.Stats;

/// <summary>
/// Intervals for an interleaved comparison: a two-level (hierarchical) bootstrap that draws target launches with
/// replacement, then rounds with replacement within each drawn launch, and computes the figure on the blocks drawn.
/// What changes from one target launch to the next (where its JIT and heap landed) is then inside the interval, not
/// only what changes from second to second. The draws are seeded by the scenario and figure, not the transport, so
/// every transport of one comparison gets the same launches and rounds in each replicate: a ratio of two transports'
/// replicates is then a ratio over the same stretches of time, and whatever the machine did in a round falls on both.
/// </summary>
public static class HierarchicalBootstrap
{
    /// <summary>Rounds needed in all before an interleaved case gets an interval.</summary>
    public const int MinRounds = 4;

    /// <summary>The drawn (launch, round) pairs of each replicate, both counted from 1.</summary>
    public static (int Launch, int Round)[][] Draws(InterleavedInfo info, string name)
    {
        var random = new Random(BlockBootstrap.Seed(name));
        var launches = info.TargetLaunches;
        var rounds = info.RoundsPerLaunch;
        var draws = new (int, int)[BlockBootstrap.Replicates][];
        for (var k = 0; k < draws.Length; k++)
        {
            var draw = new (int, int)[launches * rounds];
            var i = 0;
            for (var a = 0; a < launches; a++)
            {
                var launch = random.Next(launches) + 1;
                for (var b = 0; b < rounds; b++)
                {
                    draw[i++] = (launch, random.Next(rounds) + 1);
                }
            }

            draws[k] = draw;
        }

        return draws;
    }

    /// <summary>True when <paramref name="r"/> is an interleaved case with enough rounds for an interval.</summary>
    public static bool Applies(ScenarioResult r) =>
        r.Interleaved is { } info && r.Blocks.Count > 0 && info.TargetLaunches * info.RoundsPerLaunch >= MinRounds;

    /// <summary>The name the draws are seeded by: the comparison's, not the transport's.</summary>
    public static string SeedName(ScenarioResult r, string figure) =>
        $"{r.Scenario}/{r.Variant}/{r.Parameters.PayloadBytes}/{figure}";

    /// <summary>Replicates of a latency percentile pooled over the drawn full-rate blocks; null when not interleaved.</summary>
    public static double[]? Percentile(ScenarioResult r, double percentile)
    {
        if (!Applies(r))
        {
            return null;
        }

        var blocks = r.Blocks.Where(b => b.Load == BlockFigures.Full && b.Histogram is not null).ToList();
        var sparse = blocks.ToDictionary(b => (b.Launch, b.Round), b => BlockBootstrap.Sparse(b.Histogram!));
        var values = sparse.Values.SelectMany(b => b.Select(x => x.Value)).Distinct().Order().ToArray();
        var position = new Dictionary<long, int>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            position[values[i]] = i;
        }

        var indexed = sparse.ToDictionary(p => p.Key, p => p.Value.Select(x => (Index: position[x.Value], x.Count)).ToArray());
        var counts = new long[values.Length];
        var figure = percentile.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [.. Draws(r.Interleaved!, SeedName(r, "p" + figure)).Select(draw =>
            BlockBootstrap.ValueAt(values, counts, draw.Where(indexed.ContainsKey).Select(d => indexed[d]), percentile))];
    }

    /// <summary>
    /// The marginal CPU per delivery (µs) of the blocks given: the slope between the full-rate and the half-rate
    /// blocks' CPU a second against deliveries a second. NaN when the loads did not differ.
    /// </summary>
    public static double Slope(IEnumerable<BlockFigures> blocks)
    {
        double cpuF = 0, delF = 0, secF = 0, cpuH = 0, delH = 0, secH = 0;
        foreach (var b in blocks)
        {
            if (b.Load == BlockFigures.Full)
            {
                (cpuF, delF, secF) = (cpuF + b.TargetCpuUs, delF + b.Delivered, secF + b.Seconds);
            }
            else
            {
                (cpuH, delH, secH) = (cpuH + b.TargetCpuUs, delH + b.Delivered, secH + b.Seconds);
            }
        }

        if (secF <= 0 || secH <= 0)
        {
            return double.NaN;
        }

        var deliveries = (delF / secF) - (delH / secH);
        return deliveries > 0 ? ((cpuF / secF) - (cpuH / secH)) / deliveries : double.NaN;
    }

    /// <summary>
    /// Replicates of the marginal CPU per delivery over the drawn rounds (both loads of each); null when not interleaved
    /// with a probe.
    /// </summary>
    public static double[]? MarginalCost(ScenarioResult r)
    {
        if (!Applies(r) || !r.Blocks.Any(b => b.Load == BlockFigures.Half))
        {
            return null;
        }

        var byRound = r.Blocks.GroupBy(b => (b.Launch, b.Round)).ToDictionary(g => g.Key, g => g.ToArray());
        return [.. Draws(r.Interleaved!, SeedName(r, "cost")).Select(draw =>
            Slope(draw.Where(byRound.ContainsKey).SelectMany(d => byRound[d])))];
    }
}
