using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// Latency (p50 dashed, p99 solid; log scale) above and deliveries per second below, per second of the run, every
/// transport of a scenario overlaid, with the warm-up shaded.
/// </summary>
public static class TimelineChart
{
    private static readonly Color WarmupShade = Color.FromHex("#999999").WithAlpha(0.18);

    public static void Render(string scenario, IReadOnlyList<ScenarioResult> results, string path)
    {
        var latency = ChartTheme.NewPlot($"{scenario}: latency and throughput over time", "", "latency (ms, log scale)");
        var throughput = ChartTheme.NewPlot("", "seconds since the start of warm-up", "deliveries per second");
        var warmup = results.Count == 0 ? 0 : results.Max(r => r.Parameters.WarmupSec);
        var loadEnd = results.Count == 0 ? 0 : results.Max(r => r.Parameters.WarmupSec + r.Parameters.DurationSec);
        double minMs = double.MaxValue, maxMs = 0, maxX = loadEnd + 1, maxRate = 1;
        foreach (var plot in new[] { latency, throughput })
        {
            var span = plot.Add.HorizontalSpan(0, warmup, WarmupShade);
            span.LegendText = plot == throughput ? "warm-up (excluded)" : "";
            var end = plot.Add.VerticalLine(loadEnd, 1.5f, Color.FromHex("#555555"), LinePattern.Dotted);
            end.LegendText = plot == throughput ? "load ends (later: deliveries still in flight)" : "";
        }

        foreach (var r in results)
        {
            var color = ChartTheme.ColorOf(r.Transport);
            var points = r.Timeline.Where(t => t.Delivered > 0).ToList();
            if (r.Timeline.Count > 0)
            {
                maxX = Math.Max(maxX, r.Timeline.Max(t => t.Second) + 1);
            }

            if (points.Count > 0)
            {
                // Each second's figures are plotted at the middle of that second.
                var xs = points.Select(t => t.Second + 0.5).ToArray();
                var p99 = points.Select(t => Math.Max(t.P99Us, 1) / 1000.0).ToArray();
                var p50 = points.Select(t => Math.Max(t.P50Us, 1) / 1000.0).ToArray();
                minMs = Math.Min(minMs, p50.Min());
                maxMs = Math.Max(maxMs, p99.Max());
                Segments.Add(latency, [.. xs.Select((x, i) => (x, Math.Log10(p99[i])))], color, LinePattern.Solid, 2.5f, $"{MarkdownReport.Label(r)} p99");
                Segments.Add(latency, [.. xs.Select((x, i) => (x, Math.Log10(p50[i])))], color, LinePattern.Dashed, 2f, $"{MarkdownReport.Label(r)} p50");
            }

            var all = r.Timeline;
            maxRate = Math.Max(maxRate, all.Count == 0 ? 0 : all.Max(t => t.Delivered));
            var rate = throughput.Add.ScatterLine(all.Select(t => t.Second + 0.5).ToArray(), all.Select(t => (double)t.Delivered).ToArray(), color);
            rate.LineWidth = 2.5f;
            rate.LegendText = MarkdownReport.Label(r);
        }

        if (maxMs > 0)
        {
            latency.Axes.Left.TickGenerator = LogAxis.MillisecondTicks(minMs, maxMs);
            latency.Axes.SetLimitsY(Math.Log10(minMs) - 0.1, Math.Log10(maxMs) + 0.1);
        }

        // Throughput starts at zero: a zoomed axis would turn a 1 % wobble into a cliff.
        latency.Axes.SetLimitsX(0, maxX);
        throughput.Axes.SetLimits(0, maxX, 0, maxRate * 1.15);
        latency.ShowLegend(Alignment.UpperRight);
        throughput.ShowLegend(Alignment.LowerRight);

        // The same left-axis width on both plots keeps their time axes aligned.
        latency.Axes.Left.MinimumSize = 110;
        throughput.Axes.Left.MinimumSize = 110;
        var figure = new Multiplot(latency) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(throughput);
        figure.SavePng(path, ChartTheme.Width, 900);
    }
}
