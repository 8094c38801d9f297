using Bench.Reports.Histograms;
using Bench.Reports.Model;

namespace Bench.Reports.Stats;

/// <summary>
/// How far an interleaved comparison's ratios moved from one target launch to the next, measured in this run: for each
/// transport and figure (p50, p99, marginal CPU per delivery), its ratio to the reference in each launch, and the
/// largest over the smallest of those ratios. This is the launch-to-launch noise the intervals have to cover.
/// </summary>
public static class LaunchSpread
{
    /// <summary>
    /// One figure's spread: the ratio of <c>Transport</c> to the reference in each launch, and how far apart they lie
    /// (%).
    /// </summary>
    public sealed record Spread(string Scenario, string Figure, string Transport, IReadOnlyList<double> Ratios)
    {
        public double ChangePercent => Ratios.Count < 2 ? 0 : (Ratios.Max() / Ratios.Min() - 1) * 100;
    }

    /// <summary>Every (scenario, figure, transport) spread of the interleaved results with two or more launches; empty otherwise.</summary>
    public static IReadOnlyList<Spread> Of(IReadOnlyList<ScenarioResult> results, string reference)
    {
        var spreads = new List<Spread>();
        var groups = results
            .Where(r => r.Interleaved is { TargetLaunches: >= 2 } && r.IsMeasured)
            .GroupBy(r => (r.Scenario, r.Variant, r.Parameters.PayloadBytes));
        foreach (var group in groups)
        {
            if (group.FirstOrDefault(r => r.Transport == reference) is not { } refResult)
            {
                continue;
            }

            var launches = refResult.Interleaved!.TargetLaunches;
            foreach (var (figure, value) in Figures())
            {
                var refValues = Enumerable.Range(1, launches).Select(l => value(refResult, l)).ToArray();
                foreach (var other in group.Where(r => r.Transport != reference))
                {
                    var ratios = Enumerable.Range(1, launches).Select(l => value(other, l) / refValues[l - 1]).ToArray();
                    if (ratios.All(x => double.IsFinite(x) && x > 0))
                    {
                        spreads.Add(new Spread(group.Key.Scenario, figure, other.Transport, ratios));
                    }
                }
            }
        }

        return spreads;
    }

    private static IEnumerable<(string Figure, Func<ScenarioResult, int, double> Value)> Figures()
    {
        yield return ("p50", (r, l) => Pooled(r, l, 50));
        yield return ("p99", (r, l) => Pooled(r, l, 99));
        yield return ("CPU per delivery", (r, l) => r.Blocks.Any(b => b.Load == BlockFigures.Half)
            ? HierarchicalBootstrap.Slope(r.Blocks.Where(b => b.Launch == l))
            : double.NaN);
    }

    /// <summary>A percentile of one launch's full-rate blocks together.</summary>
    private static double Pooled(ScenarioResult r, int launch, double percentile)
    {
        var blocks = r.Blocks.Where(b => b.Launch == launch && b.Load == BlockFigures.Full && b.Histogram is not null).ToList();
        if (blocks.Count == 0)
        {
            return double.NaN;
        }

        var merged = HistogramCodec.Decode(blocks[0].Histogram!);
        foreach (var b in blocks.Skip(1))
        {
            merged.Add(HistogramCodec.Decode(b.Histogram!));
        }

        return merged.TotalCount == 0 ? double.NaN : HistogramCodec.ValueAtPercentile(merged, percentile);
    }
}
