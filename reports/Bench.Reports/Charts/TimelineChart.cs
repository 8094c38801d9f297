using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// Latency (p50 dashed, p99 solid; log scale) above and deliveries per second below, per second of the run, every
/// transport of a scenario overlaid, with the warm-up shaded and the end of the load marked.
/// </summary>
public static class TimelineChart
{
    private static readonly Color WarmupShade = Color.FromHex("#999999").WithAlpha(0.18);
    private static readonly Color ProbeShade = Color.FromHex("#E6AB02").WithAlpha(0.14);

    public static void Render(string scenario, IReadOnlyList<ScenarioResult> results, string path)
    {
        if (results.Count > 0 && results.All(r => r.Interleaved is not null))
        {
            RenderBlocks(scenario, results, path);
            return;
        }

        var figure = new TimelineFigure($"{scenario}: latency and throughput over time", "latency (ms, log scale)");
        var warmup = results.Count == 0 ? 0 : results.Max(r => r.Parameters.WarmupSec);
        var loadEnd = results.Count == 0 ? 0 : results.Max(r => r.CostProbe?.ToSec ?? r.Parameters.WarmupSec + r.Parameters.DurationSec);
        figure.Shade(0, warmup, WarmupShade, "warm-up (excluded)");
        if (results.Select(r => r.CostProbe).FirstOrDefault(p => p is not null) is { } probe)
        {
            figure.Shade(probe.FromSec, probe.ToSec, ProbeShade, "cost probe at half rate (excluded)");
        }
        foreach (var plot in new[] { figure.Latency, figure.Throughput })
        {
            var end = plot.Add.VerticalLine(loadEnd, 1.5f, Color.FromHex("#555555"), LinePattern.Dotted);
            end.LegendText = plot == figure.Throughput ? "load ends (the drain after it is not plotted as a rate)" : "";
        }

        figure.Cover(loadEnd + 1);
        foreach (var r in results)
        {
            // Each second's figures are plotted at the middle of that second.
            var color = ChartTheme.ColorOf(r);
            var delivered = r.Timeline.Where(t => t.Delivered > 0).ToList();
            var (label, marker) = (MarkdownReport.Label(r), ChartTheme.MarkerOf(r));
            figure.AddLatency([.. delivered.Select(t => (t.Second + 0.5, Math.Max(t.P99Us, 1) / 1000.0))],
                color, LinePattern.Solid, 2.5f, $"{label} p99", marker);
            figure.AddLatency([.. delivered.Select(t => (t.Second + 0.5, Math.Max(t.P50Us, 1) / 1000.0))],
                color, ChartTheme.Secondary, 2f, $"{label} p50", marker);
            figure.AddDeliveries(r, color, LinePattern.Solid, label, marker);
            if (r.Timeline.Count > 0)
            {
                figure.Cover(r.Timeline.Max(t => t.Second) + 1);
            }
        }

        // Lower left: the cost probe halves the rate at the right end, where a legend would hide it.
        figure.Save(path, Alignment.LowerLeft);
    }

    /// <summary>
    /// An interleaved comparison: each block's p99 and p50 and its deliveries a second, at its place in the order run
    /// (the second target launch after the first, marked), every transport overlaid — a noisy stretch shows on all alike.
    /// </summary>
    private static void RenderBlocks(string scenario, IReadOnlyList<ScenarioResult> results, string path)
    {
        var figure = new TimelineFigure($"{scenario}: latency and throughput per block, interleaved", "latency (ms, log scale)",
            "block, in the order run (all transports' blocks counted; target launches one after another)");
        var perLaunch = results.SelectMany(r => r.Blocks).GroupBy(b => b.Launch).ToDictionary(g => g.Key, g => g.Max(b => b.Position));
        var offsets = new Dictionary<int, int>();
        var next = 0;
        foreach (var launch in perLaunch.Keys.Order())
        {
            offsets[launch] = next;
            next += perLaunch[launch];
            if (launch > 1)
            {
                foreach (var plot in new[] { figure.Latency, figure.Throughput })
                {
                    var line = plot.Add.VerticalLine(offsets[launch] + 0.5, 1.5f, Color.FromHex("#555555"), LinePattern.Dotted);
                    line.LegendText = plot == figure.Throughput && launch == 2 ? "new target launch" : "";
                }
            }
        }

        figure.Cover(next + 1);
        foreach (var r in results)
        {
            var color = ChartTheme.ColorOf(r);
            var (label, marker) = (MarkdownReport.Label(r), ChartTheme.MarkerOf(r));
            var full = r.Blocks.Where(b => b.Load == BlockFigures.Full && b.Delivered > 0).ToList();
            figure.AddLatency([.. full.Select(b => ((double)offsets[b.Launch] + b.Position, Math.Max(b.P99Us, 1) / 1000.0))],
                color, LinePattern.Solid, 2.5f, $"{label} p99", marker);
            figure.AddLatency([.. full.Select(b => ((double)offsets[b.Launch] + b.Position, Math.Max(b.P50Us, 1) / 1000.0))],
                color, ChartTheme.Secondary, 2f, $"{label} p50", marker);
            var rates = r.Blocks.Where(b => b.Seconds > 0).Select(b => ((double)offsets[b.Launch] + b.Position, b.Delivered / b.Seconds));
            figure.AddDeliveries([.. rates], color, LinePattern.Solid,
                label + (r.Blocks.Any(b => b.Load == BlockFigures.Half) ? " (half-rate blocks lower)" : ""), marker);
        }

        figure.Save(path, Alignment.LowerLeft);
    }
}
