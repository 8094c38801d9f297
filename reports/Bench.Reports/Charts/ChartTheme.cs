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

    /// <summary>
    /// The line of the second figure of a pair (p50 beside p99, managed heap beside RSS): densely dashed, so that the
    /// short sample line in a legend shows its dashes too (plain dashes came out as a bare marker there).
    /// </summary>
    public static readonly LinePattern Secondary = LinePattern.DenselyDashed;
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
        ["grpc"] = Color.FromHex("#E7298A"),
    };

    private static readonly Dictionary<string, MarkerShape> TransportMarkers = new(StringComparer.Ordinal)
    {
        ["websocket"] = MarkerShape.FilledCircle,
        ["signalr"] = MarkerShape.FilledSquare,
        ["sse"] = MarkerShape.FilledTriangleUp,
        ["webhook"] = MarkerShape.FilledDiamond,
        ["grpc"] = MarkerShape.FilledTriangleDown,
    };

    /// <summary>The colour of a transport, the same in every chart.</summary>
    public static Color ColorOf(string transport) =>
        TransportColors.TryGetValue(transport, out var c) ? c : Color.FromHex("#666666");

    /// <summary>The marker of a transport, the same in every chart, so series stay apart without colour too.</summary>
    public static MarkerShape MarkerOf(string transport) =>
        TransportMarkers.TryGetValue(transport, out var m) ? m : MarkerShape.OpenCircle;

    /// <summary>
    /// The colour of a result: its transport's, or for a variant a lighter shade of it (lighter by the variant's name, so
    /// two variants of one transport differ). The line-style convention of every chart: solid is the headline figure
    /// (p99, RSS, deliveries), dashed its companion in the same colour (p50, managed heap), dotted a reference line (end
    /// of load, SLO, envelope size); variants differ by shade and an open marker, never by dash.
    /// </summary>
    public static Color ColorOf(Model.ScenarioResult r)
    {
        var c = ColorOf(r.Transport);
        if (r.Variant == "default")
        {
            return c;
        }

        var amount = 0.3 + (0.15 * (Math.Abs(StableHash(r.Variant)) % 3));
        return Color.FromARGB((uint)((0xFF << 24) | (Mix(c.R, amount) << 16) | (Mix(c.G, amount) << 8) | Mix(c.B, amount)));
    }

    /// <summary>The marker of a result: its transport's, open for a variant.</summary>
    public static MarkerShape MarkerOf(Model.ScenarioResult r) => r.Variant == "default"
        ? MarkerOf(r.Transport)
        : MarkerOf(r.Transport) switch
        {
            MarkerShape.FilledCircle => MarkerShape.OpenCircle,
            MarkerShape.FilledSquare => MarkerShape.OpenSquare,
            MarkerShape.FilledTriangleUp => MarkerShape.OpenTriangleUp,
            MarkerShape.FilledDiamond => MarkerShape.OpenDiamond,
            var other => other,
        };

    private static int Mix(byte channel, double toWhite) => (int)Math.Round(channel + ((255 - channel) * toWhite));

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var ch in s)
        {
            h = unchecked((h * 31) + ch);
        }

        return h;
    }

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

    /// <summary>A legend entry showing a result's line and marker (a variant's shade and open marker).</summary>
    public static LegendItem LegendEntry(Model.ScenarioResult r, string label, LinePattern pattern) => new()
    {
        LabelText = label,
        LineColor = ColorOf(r),
        LineWidth = 2.5f,
        LinePattern = pattern,
        MarkerShape = MarkerOf(r),
        MarkerFillColor = ColorOf(r),
        MarkerLineColor = ColorOf(r),
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
