using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// The two-panel timeline both timeline charts share: latency (log scale) above, deliveries per second below, one
/// time axis, shaded spans on both, saved as one PNG.
/// </summary>
internal sealed class TimelineFigure
{
    private double minMs = double.MaxValue;
    private double maxMs;
    private double maxX = 1;
    private double maxRate = 1;

    public TimelineFigure(string title, string latencyLabel, string xLabel = "seconds since the start of warm-up")
    {
        Latency = ChartTheme.NewPlot(title, "", latencyLabel);
        Throughput = ChartTheme.NewPlot("", xLabel, "deliveries per second");
    }

    public Plot Latency { get; }

    public Plot Throughput { get; }

    /// <summary>Shades [from, to) on both panels; the legend names it once, on the throughput panel.</summary>
    public void Shade(double from, double to, Color color, string legend)
    {
        Latency.Add.HorizontalSpan(from, to, color).LegendText = "";
        Throughput.Add.HorizontalSpan(from, to, color).LegendText = legend;
    }

    /// <summary>A latency series in ms (log-scaled here), drawn with gaps where seconds are missing.</summary>
    public void AddLatency(
        IReadOnlyList<(double Second, double Ms)> points,
        Color color,
        LinePattern pattern,
        float width,
        string legend,
        MarkerShape marker = MarkerShape.FilledCircle)
    {
        if (points.Count == 0)
        {
            return;
        }

        minMs = Math.Min(minMs, points.Min(p => p.Ms));
        maxMs = Math.Max(maxMs, points.Max(p => p.Ms));
        Segments.Add(Latency, [.. points.Select(p => (p.Second, Math.Log10(p.Ms)))], color, pattern, width, legend, marker);
    }

    /// <summary>
    /// A result's deliveries a second, over whole seconds of load only: a second after the load ended (cost probe
    /// included) holds only the stragglers of the drain, and plotting it as a rate would draw a collapse that did not
    /// happen.
    /// </summary>
    public void AddDeliveries(Model.ScenarioResult r, Color color, LinePattern pattern, string legend, MarkerShape marker)
    {
        var loaded = r.CostProbe?.ToSec ?? r.Parameters.WarmupSec + r.Parameters.DurationSec;
        var whole = r.Timeline.Where(t => t.Second + 1 <= loaded + 1e-9).Select(t => (t.Second + 0.5, (double)t.Delivered));
        AddDeliveries([.. whole], color, pattern, legend, marker);
    }

    public void AddDeliveries(
        IReadOnlyList<(double Second, double PerSec)> points,
        Color color,
        LinePattern pattern,
        string legend,
        MarkerShape marker = MarkerShape.FilledCircle)
    {
        if (points.Count == 0)
        {
            return;
        }

        maxRate = Math.Max(maxRate, points.Max(p => p.PerSec));
        var line = Throughput.Add.Scatter(points.Select(p => p.Second).ToArray(), points.Select(p => p.PerSec).ToArray(), color);
        line.LineWidth = 2.5f;
        line.LinePattern = pattern;
        line.MarkerShape = marker;
        line.MarkerSize = 6;
        line.LegendText = legend;
    }

    /// <summary>Extends the time axis to at least <paramref name="seconds"/>.</summary>
    public void Cover(double seconds) => maxX = Math.Max(maxX, seconds);

    public void Save(string path, Alignment throughputLegend)
    {
        if (maxMs > 0)
        {
            Latency.Axes.Left.TickGenerator = LogAxis.MillisecondTicks(minMs, maxMs);
            Latency.Axes.SetLimitsY(Math.Log10(minMs) - 0.1, Math.Log10(maxMs) + 0.1);
        }

        // Throughput starts at zero: a zoomed axis would turn a 1 % wobble into a cliff.
        Latency.Axes.SetLimitsX(0, maxX);
        Throughput.Axes.SetLimits(0, maxX, 0, maxRate * 1.2);

        // The same left-axis width on both plots keeps their time axes aligned.
        Latency.Axes.Left.MinimumSize = 110;
        Throughput.Axes.Left.MinimumSize = 110;
        Latency.ShowLegend(Alignment.UpperRight);
        Throughput.ShowLegend(throughputLegend);
        var figure = new Multiplot(Latency) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(Throughput);
        ChartFile.Save(figure, path, ChartTheme.Width, 900);
    }
}
