using System.Globalization;
using Bench.Reports.Markdown;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// Bytes on the wire per delivered event, one panel per payload size (each with its own scale, so 64 B is as readable
/// as 16 KiB): a bar per transport and variant, the darker part from the target to the subscriber and the lighter part
/// back; the dotted line is the event body itself.
/// </summary>
public static class WireChart
{
    public static void Render(IReadOnlyList<ScenarioResult> results, string path)
    {
        var wired = results.Where(r => r.Wire is not null).ToList();
        var sizes = wired.Select(r => r.Wire!.PayloadBytes).Distinct().Order().ToList();
        var labels = wired.Select(MarkdownReport.Label).Distinct(StringComparer.Ordinal).ToList();
        Multiplot? figure = null;
        foreach (var size in sizes)
        {
            var plot = ChartTheme.NewPlot($"{Size(size)} payload", "", figure is null ? "bytes on the wire per delivered event" : "");
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            var max = 1.0;
            var envelope = 0;
            for (var i = 0; i < labels.Count; i++)
            {
                if (wired.FirstOrDefault(r => r.Wire!.PayloadBytes == size && MarkdownReport.Label(r) == labels[i]) is not { } r)
                {
                    continue;
                }

                var w = r.Wire!;
                envelope = w.EnvelopeBytes;
                var color = ChartTheme.ColorOf(r.Transport);
                var to = plot.Add.Bar(new Bar
                {
                    Position = i,
                    ValueBase = 0,
                    Value = w.ToSubscriberBytesPerEvent,
                    FillColor = color,
                    Size = 0.7,
                });
                to.LegendText = "";
                var total = w.ToSubscriberBytesPerEvent + w.FromSubscriberBytesPerEvent;
                plot.Add.Bar(new Bar
                {
                    Position = i,
                    ValueBase = w.ToSubscriberBytesPerEvent,
                    Value = total,
                    FillColor = color.WithAlpha(0.4),
                    Size = 0.7,
                });
                var text = plot.Add.Text(w.ToSubscriberBytesPerEvent.ToString("N0", CultureInfo.InvariantCulture), i, total);
                text.LabelFontSize = 12;
                text.LabelAlignment = Alignment.LowerCenter;
                max = Math.Max(max, total);
                ticks.AddMajor(i, labels[i].Replace(" (", "\n(", StringComparison.Ordinal));
            }

            if (envelope > 0)
            {
                var line = plot.Add.HorizontalLine(envelope, 1.5f, Colors.Black, LinePattern.Dotted);
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"event body: {envelope:N0} B");

                // Every mark in the legend: the dark part of a bar is what reached the subscriber, the light part what went back.
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = "to the subscriber (dark)", FillColor = Colors.Gray });
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = "back from the subscriber (light)",
                    FillColor = Colors.Gray.WithAlpha(0.4),
                });
                plot.ShowLegend(Alignment.UpperRight);
            }

            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.Bottom.TickLabelStyle.FontSize = 10;
            plot.Axes.SetLimits(-0.6, labels.Count - 0.4, 0, max * 1.3);
            if (figure is null)
            {
                figure = new Multiplot(plot) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
            }
            else
            {
                figure.AddPlot(plot);
            }
        }

        if (figure is not null)
        {
            ChartFile.Save(figure, path, Math.Max(ChartTheme.Width, 500 * sizes.Count), ChartTheme.Height);
        }
    }

    private static string Size(int bytes) => bytes >= 1024 && bytes % 1024 == 0
        ? (bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KiB"
        : bytes.ToString("N0", CultureInfo.InvariantCulture) + " B";
}
