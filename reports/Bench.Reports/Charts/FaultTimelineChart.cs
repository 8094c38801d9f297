using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// One fault, every transport and variant: p99 latency (log scale) above and deliveries per second below, per second,
/// with the warm-up shaded grey and the fault window red. Variants other than default are dashed.
/// </summary>
public static class FaultTimelineChart
{
    private static readonly Color WarmupShade = Color.FromHex("#999999").WithAlpha(0.18);
    private static readonly Color FaultShade = Color.FromHex("#D62728").WithAlpha(0.15);

    public static void Render(string fault, IReadOnlyList<ScenarioResult> results, string path)
    {
        var latency = ChartTheme.NewPlot($"fault '{fault}': p99 latency and deliveries over time", "", "p99 latency (ms, log scale)");
        var throughput = ChartTheme.NewPlot("", "seconds since the start of warm-up", "deliveries per second");
        var warmup = results.Max(r => r.Parameters.WarmupSec);
        var start = results.Min(r => r.Resilience!.StartSec);
        var duration = Math.Max(0.15, results.Max(r => r.Resilience!.DurationSec));
        double minMs = double.MaxValue, maxMs = 0, maxX = 1, maxRate = 1;
        foreach (var plot in new[] { latency, throughput })
        {
            plot.Add.HorizontalSpan(0, warmup, WarmupShade).LegendText = plot == throughput ? "warm-up (excluded)" : "";
            plot.Add.HorizontalSpan(start, start + duration, FaultShade).LegendText = plot == throughput ? $"{fault} ({duration:0.##} s)" : "";
        }

        foreach (var r in results)
        {
            var color = ChartTheme.ColorOf(r.Transport);
            var pattern = r.Variant == "default" ? LinePattern.Solid : LinePattern.Dashed;
            if (r.Timeline.Count == 0)
            {
                continue;
            }

            maxX = Math.Max(maxX, r.Timeline.Max(t => t.Second) + 1);
            maxRate = Math.Max(maxRate, r.Timeline.Max(t => t.Delivered));
            var points = r.Timeline.Where(t => t.Delivered > 0).ToList();
            if (points.Count > 0)
            {
                var p99 = points.Select(t => Math.Max(t.P99Us, 1) / 1000.0).ToArray();
                minMs = Math.Min(minMs, p99.Min());
                maxMs = Math.Max(maxMs, p99.Max());
                Segments.Add(latency, [.. points.Select((t, i) => (t.Second + 0.5, Math.Log10(p99[i])))], color, pattern, 2.5f, MarkdownReport.Label(r));
            }

            var rate = throughput.Add.ScatterLine(r.Timeline.Select(t => t.Second + 0.5).ToArray(), r.Timeline.Select(t => (double)t.Delivered).ToArray(), color);
            rate.LineWidth = 2.5f;
            rate.LinePattern = pattern;
            rate.LegendText = MarkdownReport.Label(r);
        }

        if (maxMs > 0)
        {
            latency.Axes.Left.TickGenerator = LogAxis.MillisecondTicks(minMs, maxMs);
            latency.Axes.SetLimitsY(Math.Log10(minMs) - 0.1, Math.Log10(maxMs) + 0.1);
        }

        latency.Axes.SetLimitsX(0, maxX);
        throughput.Axes.SetLimits(0, maxX, 0, maxRate * 1.2);
        latency.Axes.Left.MinimumSize = 110;
        throughput.Axes.Left.MinimumSize = 110;
        latency.ShowLegend(Alignment.UpperRight);
        throughput.ShowLegend(Alignment.LowerLeft);
        var figure = new Multiplot(latency) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(throughput);
        figure.SavePng(path, ChartTheme.Width, 900);
    }
}
