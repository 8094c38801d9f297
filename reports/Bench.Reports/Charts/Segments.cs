using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>Draws a series as separate lines wherever seconds are missing, so a gap is a gap and not a slope across it.</summary>
internal static class Segments
{
    public static void Add(
        Plot plot,
        IReadOnlyList<(double X, double Y)> points,
        Color color,
        LinePattern pattern,
        float width,
        string legend,
        MarkerShape marker = MarkerShape.FilledCircle)
    {
        var segment = new List<(double X, double Y)>();
        var first = true;
        void Flush()
        {
            if (segment.Count == 0)
            {
                return;
            }

            var line = plot.Add.Scatter(segment.Select(p => p.X).ToArray(), segment.Select(p => p.Y).ToArray(), color);
            line.LineWidth = width;
            line.LinePattern = pattern;
            line.MarkerShape = marker;
            line.MarkerSize = 6;
            line.LegendText = first ? legend : "";
            first = false;
            segment.Clear();
        }

        foreach (var p in points)
        {
            if (segment.Count > 0 && p.X - segment[^1].X > 1.001)
            {
                Flush();
            }

            segment.Add(p);
        }

        Flush();
    }
}
