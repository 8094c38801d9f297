using System.Globalization;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>
/// The at-a-glance comparison of N transports: one column per transport (the reference's header says so), each cell
/// the figure and its ratio to the reference's, the best figure in bold, and a last column naming the best — or a tie
/// when the runner-up is within the tie band. A transport that declares a scenario n/a shows "n/a".
/// </summary>
internal sealed class GlanceTable
{
    /// <summary>Figures closer than this to the best are a tie: one run is one sample.</summary>
    public const double TieBand = 0.05;

    private readonly IReadOnlyList<string> transports;
    private readonly string? reference;
    private readonly MarkdownTable table;

    public GlanceTable(IReadOnlyList<string> transports, string reference)
    {
        this.transports = transports;
        this.reference = transports.Contains(reference, StringComparer.Ordinal) ? reference : transports.FirstOrDefault();
        table = new MarkdownTable(["scenario", "metric", .. transports.Select(t => t == this.reference && transports.Count > 1 ? t + " (reference)" : t), "best"]);
    }

    /// <summary>The transport ratios are against: the one asked for if it is in the run, else the first.</summary>
    public string? Reference => reference;

    /// <summary>The transports of a run that have a figure to compare, in the order they were run.</summary>
    public static IReadOnlyList<string> TransportsOf(IEnumerable<ScenarioResult> results) => [.. results.Select(r => r.Transport).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// A row: <paramref name="pick"/> finds each transport's result; a null figure is "–" (not measured), an n/a
    /// result "n/a".
    /// </summary>
    public void Row(string scenario, string metric, IReadOnlyList<ScenarioResult> results, Func<ScenarioResult, bool> pick, Func<ScenarioResult, double?> value,
        Func<double, string> format, bool higherIsBetter)
    {
        var picked = transports.Select(t => results.FirstOrDefault(r => r.Transport == t && pick(r))).ToList();
        var values = picked.Select(r => r is { IsMeasured: true } ? value(r) : null).ToList();
        var refIndex = reference is null ? -1 : transports.ToList().IndexOf(reference);
        var refValue = refIndex >= 0 ? values[refIndex] : null;
        var present = values.Select((v, i) => (v, i)).Where(x => x.v is not null).Select(x => (Value: x.v!.Value, Index: x.i)).ToList();
        var ordered = higherIsBetter ? present.OrderByDescending(x => x.Value).ToList() : present.OrderBy(x => x.Value).ToList();
        var best = ordered.Count > 0 ? ordered[0] : ((double Value, int Index)?)null;
        var cells = new List<string> { scenario, metric };
        for (var i = 0; i < transports.Count; i++)
        {
            if (picked[i] is { NotApplicable: not null })
            {
                cells.Add("n/a");
                continue;
            }

            if (values[i] is not { } v)
            {
                cells.Add("–");
                continue;
            }

            var text = format(v);
            if (refValue is { } r && r > 0 && i != refIndex)
            {
                text += " (" + Formats.Ratio(v / r) + ")";
            }

            cells.Add(best is { } b && b.Index == i && ordered.Count > 1 ? "**" + text + "**" : text);
        }

        cells.Add(Verdict(ordered, higherIsBetter));
        table.Row([.. cells]);
    }

    private string Verdict(List<(double Value, int Index)> ordered, bool higherIsBetter)
    {
        if (ordered.Count < 2)
        {
            return "–";
        }

        var (best, second) = (ordered[0], ordered[1]);
        var gap = higherIsBetter ? (best.Value - second.Value) / Math.Max(best.Value, double.Epsilon) : (second.Value - best.Value) / Math.Max(second.Value, double.Epsilon);
        return gap < TieBand
            ? string.Create(CultureInfo.InvariantCulture, $"tie: {transports[best.Index]}, {transports[second.Index]} (within {TieBand * 100:0} %)")
            : transports[best.Index];
    }

    public void WriteTo(System.Text.StringBuilder sb) => table.WriteTo(sb);

    /// <summary>The sentence under the table: what the ratio is against and what a tie means.</summary>
    public string Legend() => transports.Count < 2
        ? ""
        : $"Ratios in brackets are against {reference} (the reference, `--reference`); the best figure is in bold. "
            + $"One run is one sample: a runner-up within {TieBand * 100:0} % of the best is shown as a tie, "
            + "and `bench compare` (repeated launches) is the tool for deciding small differences.";
}
