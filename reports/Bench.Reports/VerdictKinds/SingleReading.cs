using System.Globalization;
using Bench.Reports.Markdown;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// What figures without an interval read as — the at-a-glance rule for single measurements: the best is named, but
/// never as a winner; figures within the tie band of each other are a tie.
/// </summary>
internal static class SingleReading
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The reading of <paramref name="figures"/> (label, value); "one measurement" when fewer than two.</summary>
    public static string Of(IReadOnlyList<(string Label, double Value)> figures, bool higherIsBetter)
    {
        if (figures.Count < 2)
        {
            return "one measurement";
        }

        var ordered = higherIsBetter ? figures.OrderByDescending(f => f.Value).ToList() : figures.OrderBy(f => f.Value).ToList();
        var (best, second) = (ordered[0], ordered[1]);
        var ratio = higherIsBetter
            ? best.Value / Math.Max(second.Value, double.Epsilon)
            : second.Value / Math.Max(best.Value, double.Epsilon);
        if (ratio > 1 + GlanceTable.TieBand)
        {
            return $"{(higherIsBetter ? "highest" : "lowest")}: {best.Label} (one measurement, no verdict)";
        }

        var tied = ordered.Where(f => Near(f.Value, best.Value, higherIsBetter)).Select(f => f.Label);
        return string.Create(Inv, $"tie: {string.Join(", ", tied)} (within {GlanceTable.TieBand * 100:0} %, one measurement)");
    }

    /// <summary>"websocket 3,350, sse 4,604": each label and its formatted figure.</summary>
    public static string List(IEnumerable<(string Label, string Figure)> figures) =>
        string.Join(", ", figures.Select(f => $"{f.Label} {f.Figure}"));

    private static bool Near(double value, double best, bool higherIsBetter) => higherIsBetter
        ? best / Math.Max(value, double.Epsilon) <= 1 + GlanceTable.TieBand
        : value / Math.Max(best, double.Epsilon) <= 1 + GlanceTable.TieBand;
}
