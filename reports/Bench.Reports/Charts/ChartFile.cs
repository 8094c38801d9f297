using ScottPlot;

namespace Bench.Reports.Charts;

/// <summary>
/// Where every chart is written: one PNG, which report.md links and report.html inlines. Not SVG: Skia's SVG backend
/// (which ScottPlot's SVG export uses) drops dash patterns, and dashed lines carry meaning here (p50, variants).
/// </summary>
internal static class ChartFile
{
    public static void Save(Plot plot, string pngPath, int width, int height) => plot.SavePng(pngPath, width, height);

    public static void Save(Multiplot figure, string pngPath, int width, int height) => figure.SavePng(pngPath, width, height);
}
