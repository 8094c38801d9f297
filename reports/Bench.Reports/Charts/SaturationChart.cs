using System.Globalization;
using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// A saturation search, every transport on one plot: p50 (dashed) and p99 (solid) latency against the throughput
/// achieved at each step, both axes log-scaled, the SLO drawn across; a hollow marker is the step that breached.
/// </summary>
public static class SaturationChart
{
    public static void Render(string mode, IReadOnlyList<ScenarioResult> results, string path)
    {
        var unit = mode == "push" ? "events" : "requests";
        var plot = ChartTheme.NewPlot(
            $"saturation ({mode}): latency against achieved throughput",
            $"achieved ({unit} per second, log scale)",
            "latency (ms, log scale)");
        double minMs = double.MaxValue, maxMs = 0, minRate = double.MaxValue, maxRate = 0;
        var slo = 0L;
        var ringed = false;
        foreach (var r in results.Where(r => r.Saturation is { Steps.Count: > 0 }))
        {
            var x = r.Saturation!;
            slo = x.SloP99Us;
            var steps = x.Steps.Where(s => s.AchievedPerSec > 0).ToList();
            if (steps.Count == 0)
            {
                continue;
            }

            var series = new (Func<SaturationStep, long>, LinePattern, string)[]
            {
                (s => s.P99Us, LinePattern.Solid, "p99"),
                (s => s.P50Us, ChartTheme.Secondary, "p50"),
            };
            foreach (var (pick, pattern, name) in series)
            {
                var xs = steps.Select(s => Math.Log10(s.AchievedPerSec)).ToArray();
                var ys = steps.Select(s => Math.Log10(Math.Max(pick(s), 1) / 1000.0)).ToArray();
                var line = plot.Add.Scatter(xs, ys, ChartTheme.ColorOf(r.Transport));
                line.LineWidth = 2.5f;
                line.LinePattern = pattern;
                line.MarkerSize = 8;
                line.MarkerShape = ChartTheme.MarkerOf(r.Transport);
                line.LegendText = $"{MarkdownReport.Label(r)} {name}";
                if (steps.FindIndex(s => s.Breach is not null) is var b and >= 0)
                {
                    var mark = plot.Add.Marker(xs[b], ys[b], MarkerShape.OpenCircle, 18, ChartTheme.ColorOf(r.Transport));
                    mark.LegendText = ringed ? "" : "ringed: the step that breached";
                    ringed = true;
                }
            }

            minMs = Math.Min(minMs, steps.Min(s => Math.Max(s.P50Us, 1)) / 1000.0);
            maxMs = Math.Max(maxMs, steps.Max(s => s.P99Us) / 1000.0);
            minRate = Math.Min(minRate, steps.Min(s => s.AchievedPerSec));
            maxRate = Math.Max(maxRate, steps.Max(s => s.AchievedPerSec));
        }

        if (slo > 0)
        {
            var sloMs = slo / 1000.0;
            maxMs = Math.Max(maxMs, sloMs);
            var line = plot.Add.HorizontalLine(Math.Log10(sloMs), 2, Colors.Red, LinePattern.Dotted);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"SLO: p99 ≤ {sloMs:0.#} ms");
        }

        if (maxMs > 0 && maxRate > 0)
        {
            plot.Axes.Left.TickGenerator = LogAxis.MillisecondTicks(minMs, maxMs);
            plot.Axes.SetLimitsY(Math.Log10(minMs) - 0.15, Math.Log10(maxMs) + 0.15);
            plot.Axes.Bottom.TickGenerator = LogAxis.CountTicks(minRate, maxRate, v => LogAxis.Short(v) + "/s");
            plot.Axes.SetLimitsX(Math.Log10(minRate) - 0.1, Math.Log10(maxRate) + 0.1);
        }

        plot.ShowLegend(Alignment.UpperLeft);
        ChartFile.Save(plot, path, ChartTheme.Width, ChartTheme.Height);
    }
}
