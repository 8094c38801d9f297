using System.Reflection;
using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// What every chart shares: size, the bundled font (DejaVu Sans, so PNGs look the same on every machine whatever
/// fonts it has) and one colour per transport everywhere.
/// </summary>
public static class ChartTheme
{
    public const int Width = 1200;
    public const int Height = 700;
    public const string FontName = "Bench DejaVu Sans";

    private static readonly object FontGate = new();
    private static bool fontLoaded;

    private static readonly Dictionary<string, Color> TransportColors = new(StringComparer.Ordinal)
    {
        ["websocket"] = Color.FromHex("#1F77B4"),
        ["webhook"] = Color.FromHex("#D95F02"),
        ["sse"] = Color.FromHex("#1B9E77"),
        ["signalr"] = Color.FromHex("#7570B3"),
    };

    private static readonly Dictionary<string, MarkerShape> TransportMarkers = new(StringComparer.Ordinal)
    {
        ["websocket"] = MarkerShape.FilledCircle,
        ["signalr"] = MarkerShape.FilledSquare,
        ["sse"] = MarkerShape.FilledTriangleUp,
        ["webhook"] = MarkerShape.FilledDiamond,
    };

    /// <summary>The colour of a transport, the same in every chart.</summary>
    public static Color ColorOf(string transport) =>
        TransportColors.TryGetValue(transport, out var c) ? c : Color.FromHex("#666666");

    /// <summary>The marker of a transport, the same in every chart, so series stay apart without colour too.</summary>
    public static MarkerShape MarkerOf(string transport) =>
        TransportMarkers.TryGetValue(transport, out var m) ? m : MarkerShape.OpenCircle;

    /// <summary>A legend entry showing a transport's line (in <paramref name="pattern"/>) and its marker.</summary>
    public static LegendItem LegendEntry(string transport, string label, LinePattern pattern) => new()
    {
        LabelText = label,
        LineColor = ColorOf(transport),
        LineWidth = 2.5f,
        LinePattern = pattern,
        MarkerShape = MarkerOf(transport),
        MarkerFillColor = ColorOf(transport),
        MarkerLineColor = ColorOf(transport),
        MarkerSize = 9,
    };

    /// <summary>A new plot with the bundled font, a title and axis labels.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        EnsureFont();
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, size: 20);
        plot.XLabel(xLabel, size: 15);
        plot.YLabel(yLabel, size: 15);
        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = 14;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        return plot;
    }

    /// <summary>Makes the bundled font available to ScottPlot (extracted once to a temp file, which its resolver needs).</summary>
    public static void EnsureFont()
    {
        lock (FontGate)
        {
            if (fontLoaded)
            {
                return;
            }

            var dir = Path.Combine(Path.GetTempPath(), "bench-fonts");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, "DejaVuSans.ttf");
            using (var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("Bench.Reports.DejaVuSans.ttf")
                ?? throw new InvalidOperationException("the bundled chart font is missing from Bench.Reports"))
            {
                if (!File.Exists(path) || new FileInfo(path).Length != resource.Length)
                {
                    var temp = path + "." + Environment.ProcessId + ".tmp";
                    using (var file = File.Create(temp))
                    {
                        resource.CopyTo(file);
                    }

                    File.Move(temp, path, overwrite: true);
                }
            }

            Fonts.AddFontFile(FontName, path, bold: false, italic: false);
            Fonts.Default = FontName;
            fontLoaded = true;
        }
    }
}
