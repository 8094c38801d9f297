using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// The reconnect storm over time, per transport: subscribers the target holds (% of all) for streaming transports
/// above, deliveries pending at the dispatcher for webhooks below; the fault shaded on both.
/// </summary>
public static class StormChart
{
    private static readonly Color FaultShade = Color.FromHex("#D62728").WithAlpha(0.12);

    public static void Render(IReadOnlyList<ScenarioResult> results, string path)
    {
        var storms = results.Where(r => r.Resilience?.Storm is { Points.Count: > 0 }).ToList();
        var connected = storms.Where(r => r.Resilience!.Storm!.Watched != "pending").ToList();
        var pending = storms.Where(r => r.Resilience!.Storm!.Watched == "pending").ToList();
        var plots = new List<Plot>();
        var maxX = storms.Count == 0 ? 1 : storms.Max(r => r.Resilience!.Storm!.Points[^1].Sec);
        if (connected.Count > 0 || pending.Count == 0)
        {
            var plot = ChartTheme.NewPlot(
                "reconnect storm: who is back, over time",
                pending.Count > 0 ? "" : "seconds since the start of warm-up",
                "subscribers connected (% of all)");
            Shade(plot, storms);
            foreach (var r in connected)
            {
                var s = r.Resilience!.Storm!;
                Add(plot, r, [.. s.Points.Select(p => (p.Sec, 100.0 * p.Value / Math.Max(1, s.Subscribers)))],
                    $"{MarkdownReport.Label(r)} ({s.Subscribers:N0})");
            }

            plot.Axes.SetLimits(0, maxX, 0, 110);
            plots.Add(plot);
        }

        if (pending.Count > 0)
        {
            var plot = ChartTheme.NewPlot(
                plots.Count == 0 ? "reconnect storm: the backlog, over time" : "",
                "seconds since the start of warm-up",
                "deliveries pending at the dispatcher");
            Shade(plot, storms);
            var top = 1.0;
            foreach (var r in pending)
            {
                var s = r.Resilience!.Storm!;
                top = Math.Max(top, s.Points.Max(p => p.Value));
                Add(plot, r, [.. s.Points.Select(p => (p.Sec, (double)p.Value))],
                    $"{MarkdownReport.Label(r)} ({s.Subscribers:N0} endpoints)");
            }

            plot.Axes.SetLimits(0, maxX, 0, top * 1.15);
            plots.Add(plot);
        }

        foreach (var plot in plots)
        {
            plot.Axes.Left.MinimumSize = 110;
            plot.ShowLegend(Alignment.LowerRight);
        }

        if (plots.Count == 1)
        {
            ChartFile.Save(plots[0], path, ChartTheme.Width, ChartTheme.Height);
            return;
        }

        var figure = new Multiplot(plots[0]) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(plots[1]);
        ChartFile.Save(figure, path, ChartTheme.Width, 900);
    }

    private static void Shade(Plot plot, IReadOnlyList<ScenarioResult> storms)
    {
        var first = storms.FirstOrDefault()?.Resilience;
        if (first is null)
        {
            return;
        }

        var end = first.StartSec + Math.Max(0.15, storms.Max(r => r.Resilience!.DurationSec));
        var span = plot.Add.HorizontalSpan(first.StartSec, end, FaultShade);
        span.LegendText = "the fault (down)";
    }

    private static void Add(Plot plot, ScenarioResult r, IReadOnlyList<(double Sec, double Value)> points, string legend)
    {
        var line = plot.Add.Scatter(points.Select(p => p.Sec).ToArray(), points.Select(p => p.Value).ToArray(), ChartTheme.ColorOf(r));
        line.LineWidth = 2.5f;
        line.LinePattern = LinePattern.Solid;
        line.MarkerShape = ChartTheme.MarkerOf(r);
        line.MarkerSize = 5;
        line.LegendText = legend;
    }
}
