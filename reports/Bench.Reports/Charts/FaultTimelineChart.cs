using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// One fault, every transport and variant: p99 latency (log scale) above and deliveries per second below, per second,
/// with the warm-up shaded grey and the fault window red. Variants other than default are lighter, with open markers
/// (docs/reading-a-report.md).
/// </summary>
public static class FaultTimelineChart
{
    private static readonly Color WarmupShade = Color.FromHex("#999999").WithAlpha(0.18);
    private static readonly Color FaultShade = Color.FromHex("#D62728").WithAlpha(0.15);

    public static void Render(string fault, IReadOnlyList<ScenarioResult> results, string path)
    {
        var figure = new TimelineFigure($"fault '{fault}': p99 latency and deliveries over time", "p99 latency (ms, log scale)");
        var start = results.Min(r => r.Resilience!.StartSec);
        var duration = Math.Max(0.15, results.Max(r => r.Resilience!.DurationSec));
        figure.Shade(0, results.Max(r => r.Parameters.WarmupSec), WarmupShade, "warm-up (excluded)");
        figure.Shade(start, start + duration, FaultShade, $"{fault} ({duration:0.##} s)");
        foreach (var r in results.Where(r => r.Timeline.Count > 0))
        {
            var color = ChartTheme.ColorOf(r);
            var pattern = LinePattern.Solid;
            figure.Cover(r.Timeline.Max(t => t.Second) + 1);
            var p99 = r.Timeline.Where(t => t.Delivered > 0).Select(t => (t.Second + 0.5, Math.Max(t.P99Us, 1) / 1000.0));
            figure.AddLatency([.. p99], color, pattern, 2.5f, MarkdownReport.Label(r), ChartTheme.MarkerOf(r));
            figure.AddDeliveries(r, color, pattern, MarkdownReport.Label(r), ChartTheme.MarkerOf(r));
        }

        figure.Save(path, Alignment.LowerLeft);
    }
}
