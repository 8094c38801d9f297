using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// The connections scenario in two panels against the number of subscribers (log scale): the target's memory per
/// subscriber (resident solid, managed dashed), and the time for one event to reach them all (p99 solid, p50 dashed,
/// log scale).
/// </summary>
public static class ConnectionsChart
{
    public static void Render(IReadOnlyList<ScenarioResult> results, string path)
    {
        var memory = ChartTheme.NewPlot("connections: target memory per subscriber", "", "KiB per subscriber");
        var fanOut = ChartTheme.NewPlot(
            "fan-out: one event to every subscriber", "subscribers (log scale)", "time until the last has it (ms, log scale)");
        double minN = double.MaxValue, maxN = 1, maxKiB = 1, minMs = double.MaxValue, maxMs = 0;
        foreach (var r in results.Where(r => r.Connections is not null))
        {
            var c = r.Connections!;
            var what = c.SubscriberNoun ?? "subscriber";
            if (c.Memory.Count > 0)
            {
                var label = MarkdownReport.Label(r);
                AddLine(memory, [.. c.Memory.Select(m => (Math.Log10(m.Subscribers), m.RssKiBPerSubscriber))],
                    r.Transport, LinePattern.Solid, $"{label}: RSS per {what}");
                AddLine(memory, [.. c.Memory.Select(m => (Math.Log10(m.Subscribers), m.ManagedKiBPerSubscriber))],
                    r.Transport, ChartTheme.Secondary, $"{label}: managed heap per {what}");
            }
            AddLine(fanOut, [.. c.FanOut.Select(f => (Math.Log10(f.Subscribers), Math.Log10(Math.Max(f.P50Us, 1) / 1000.0)))],
                r.Transport, ChartTheme.Secondary, $"{MarkdownReport.Label(r)} p50");
            AddLine(fanOut, [.. c.FanOut.Select(f => (Math.Log10(f.Subscribers), Math.Log10(Math.Max(f.P99Us, 1) / 1000.0)))],
                r.Transport, LinePattern.Solid, $"{MarkdownReport.Label(r)} p99");
            minN = Math.Min(minN, c.FanOut.Min(f => f.Subscribers));
            maxN = Math.Max(maxN, c.FanOut.Max(f => f.Subscribers));
            maxKiB = Math.Max(
                maxKiB, c.Memory.Select(m => Math.Max(m.RssKiBPerSubscriber, m.ManagedKiBPerSubscriber)).DefaultIfEmpty(1).Max());
            minMs = Math.Min(minMs, c.FanOut.Min(f => Math.Max(f.P50Us, 1)) / 1000.0);
            maxMs = Math.Max(maxMs, c.FanOut.Max(f => f.P99Us) / 1000.0);
        }

        foreach (var plot in new[] { memory, fanOut })
        {
            plot.Axes.Bottom.TickGenerator = LogAxis.CountTicks(minN, maxN, LogAxis.Short);
            plot.Axes.SetLimitsX(Math.Log10(Math.Max(1, minN)) - 0.1, Math.Log10(maxN) + 0.1);
            plot.Axes.Left.MinimumSize = 110;
            plot.ShowLegend(Alignment.UpperRight);
        }

        memory.Axes.SetLimitsY(0, maxKiB * 1.25);
        if (maxMs > 0)
        {
            fanOut.Axes.Left.TickGenerator = LogAxis.MillisecondTicks(minMs, maxMs);
            fanOut.Axes.SetLimitsY(Math.Log10(minMs) - 0.15, Math.Log10(maxMs) + 0.15);
            fanOut.ShowLegend(Alignment.LowerRight); // lines rise to the right: the corner below them is free
        }

        var figure = new Multiplot(memory) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(fanOut);
        ChartFile.Save(figure, path, ChartTheme.Width, 1000);
    }

    private static void AddLine(Plot plot, IReadOnlyList<(double X, double Y)> points, string transport, LinePattern pattern, string legend)
    {
        var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), ChartTheme.ColorOf(transport));
        line.MarkerShape = ChartTheme.MarkerOf(transport);
        line.LineWidth = 2.5f;
        line.LinePattern = pattern;
        line.MarkerSize = 8;
        line.LegendText = legend;
    }
}
