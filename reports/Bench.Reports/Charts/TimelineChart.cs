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
            figure.AddLatency([.. delivered.Select(t => (t.Second + 0.5, Math.Max(t.P99Us, 1) / 1000.0))], color, LinePattern.Solid, 2.5f, $"{label} p99", marker);
            figure.AddLatency([.. delivered.Select(t => (t.Second + 0.5, Math.Max(t.P50Us, 1) / 1000.0))], color, ChartTheme.Secondary, 2f, $"{label} p50", marker);
            figure.AddDeliveries(r, color, LinePattern.Solid, label, marker);
            if (r.Timeline.Count > 0)
            {
                figure.Cover(r.Timeline.Max(t => t.Second) + 1);
            }
        }

        // Lower left: the cost probe halves the rate at the right end, where a legend would hide it.
        figure.Save(path, Alignment.LowerLeft);
    }
}
