using Bench.Reports.Histograms;
using Bench.Reports.Markdown;
using Bench.Reports.Model;
using HdrHistogram;

namespace Bench.Reports.Charts;

/// <summary>Latency by percentile, every transport of a scenario overlaid; both axes log-scaled.</summary>
public static class PercentileChart
{
    public static void Render(string scenario, IReadOnlyList<ScenarioResult> results, string path)
    {
        var plot = ChartTheme.NewPlot($"{scenario}: latency by percentile", "percentile", "latency (ms, log scale)");
        double minMs = double.MaxValue, maxMs = 0, maxNines = 2, maxX = 0;
        foreach (var r in results)
        {
            if (r.LatencyUs.Count == 0 || r.LatencyUs.Histogram.Length == 0)
            {
                continue;
            }

            var histogram = HistogramCodec.Decode(r.LatencyUs.Histogram);
            var nines = Math.Min(5, Math.Log10(histogram.TotalCount));
            maxNines = Math.Max(maxNines, Math.Floor(nines));
            var xs = new List<double>();
            var ys = new List<double>();
            for (var x = 0.0; x <= nines + 1e-9; x += 0.02)
            {
                var p = 100.0 * (1 - Math.Pow(10, -x));
                var ms = Math.Max(HistogramCodec.ValueAtPercentile(histogram, p), 1) / 1000.0;
                xs.Add(x);
                ys.Add(Math.Log10(ms));
                minMs = Math.Min(minMs, ms);
                maxMs = Math.Max(maxMs, ms);
            }

            var pattern = ScottPlot.LinePattern.Solid;
            // The curve ends at the maximum, the figure the tables call max.
            var top = Math.Max(histogram.GetMaxValue(), 1) / 1000.0;
            xs.Add(xs[^1] + 1e-3);
            ys.Add(Math.Log10(top));
            maxMs = Math.Max(maxMs, top);
            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), ChartTheme.ColorOf(r));
            line.LineWidth = 2.5f;
            line.LinePattern = pattern;
            line.LegendText = "";

            // The transport's marker at each whole nine (p0, p90, p99, …), so the curves stay apart without colour.
            var nineXs = xs.Where((x, i) => Math.Abs(x - Math.Round(x)) < 1e-6).ToArray();
            var nineYs = ys.Where((y, i) => Math.Abs(xs[i] - Math.Round(xs[i])) < 1e-6).ToArray();
            var marks = plot.Add.ScatterPoints(nineXs, nineYs, ChartTheme.ColorOf(r));
            marks.MarkerShape = ChartTheme.MarkerOf(r);
            marks.MarkerSize = 9;
            marks.LegendText = "";
            plot.Legend.ManualItems.Add(ChartTheme.LegendEntry(r, $"{MarkdownReport.Label(r)} (n = {r.LatencyUs.Count:N0})", pattern));
            maxX = Math.Max(maxX, xs[^1]);
        }

        if (maxMs > 0)
        {
            plot.Axes.Left.TickGenerator = LogAxis.MillisecondTicks(minMs, maxMs);
            plot.Axes.SetLimitsY(Math.Log10(minMs) - 0.1, Math.Log10(maxMs) + 0.1);
        }

        plot.Axes.Bottom.TickGenerator = LogAxis.PercentileTicks(maxNines);
        // To the last curve's end (its max), not just the last whole nine.
        plot.Axes.SetLimitsX(0, Math.Max(maxX, 2) + 0.05);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        ChartFile.Save(plot, path, ChartTheme.Width, ChartTheme.Height);
    }
}
