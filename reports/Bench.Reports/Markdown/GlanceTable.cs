using System.Globalization;
using Bench.Reports.Metrics;
using Bench.Reports.Model;
using Bench.Reports.Stats;

namespace Bench.Reports.Markdown;

/// <summary>
/// The at-a-glance comparison of N transports: one column per transport (the reference's header says so), each cell
/// the figure and its ratio to the reference's with the ratio's 95 % interval, the best figure in bold, and a last
/// column naming the best only when the interval of the runner-up's ratio to it lies wholly beyond the tie band —
/// otherwise "no clear difference". Rows whose figures have no interval fall back to the tie band alone and say so.
/// A transport that declares a scenario n/a shows "n/a".
/// </summary>
internal sealed class GlanceTable
{
    /// <summary>
    /// Figures closer than this to the best are a tie, whatever the interval says: a difference this small does not
    /// decide a choice.
    /// </summary>
    public const double TieBand = 0.05;

    /// <summary>What each row decided, for the verdict.</summary>
    public List<RowOutcome> Outcomes { get; } = [];

    private readonly IReadOnlyList<string> transports;
    private readonly string? reference;
    private readonly MarkdownTable table;

    public GlanceTable(IReadOnlyList<string> transports, string reference)
    {
        this.transports = transports;
        this.reference = transports.Contains(reference, StringComparer.Ordinal) ? reference : transports.FirstOrDefault();
        var headers = transports.Select(t => t == this.reference && transports.Count > 1 ? t + " (reference)" : t);
        table = new MarkdownTable(["scenario", "metric", .. headers, "best"]);
    }

    /// <summary>The transport ratios are against: the one asked for if it is in the run, else the first.</summary>
    public string? Reference => reference;

    /// <summary>The transports of a run that have a figure to compare, in the order they were run.</summary>
    public static IReadOnlyList<string> TransportsOf(IEnumerable<ScenarioResult> results) =>
        [.. results.Select(r => r.Transport).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// A row: <paramref name="pick"/> finds each transport's result; a null figure is "–" (not measured), an n/a
    /// result "n/a".
    /// </summary>
    public void Row(
        string scenario,
        string metric,
        IReadOnlyList<ScenarioResult> results,
        Func<ScenarioResult, bool> pick,
        Func<ScenarioResult, double?> value,
        Func<double, string> format,
        bool higherIsBetter,
        Func<ScenarioResult, double[]?>? replicates = null)
    {
        var picked = transports.Select(t => results.FirstOrDefault(r => r.Transport == t && pick(r))).ToList();
        var values = picked.Select(r => r is { IsMeasured: true } ? value(r) : null).ToList();
        var draws = picked
            .Select(r => r is { IsMeasured: true } && values[picked.IndexOf(r)] is not null && replicates is not null
                ? replicates(r)
                : null)
            .ToList();
        var refIndex = reference is null ? -1 : transports.ToList().IndexOf(reference);
        var refValue = refIndex >= 0 ? values[refIndex] : null;
        var present = values.Select((v, i) => (v, i)).Where(x => x.v is not null).Select(x => (Value: x.v!.Value, Index: x.i)).ToList();
        var ordered = higherIsBetter ? present.OrderByDescending(x => x.Value).ToList() : present.OrderBy(x => x.Value).ToList();
        var best = ordered.Count > 0 ? ordered[0] : ((double Value, int Index)?)null;
        var cells = new List<string> { scenario, metric };
        var vsReference = new List<(string Transport, double Ratio, double Low, double High)>();
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
                text += " (" + Formats.Ratio(v / r);
                if (draws[i] is { } mine && draws[refIndex] is { } theirs)
                {
                    var (low, high) = BlockBootstrap.Interval(BlockBootstrap.Ratio(mine, theirs));
                    text += " [" + Formats.Ratio(low).TrimEnd('×') + "–" + Formats.Ratio(high) + "]";
                    vsReference.Add((transports[i], v / r, low, high));
                }

                text += ")";
            }

            cells.Add(best is { } b && b.Index == i && ordered.Count > 1 ? "**" + text + "**" : text);
        }

        var outcome = Decide(scenario, metric, ordered, draws, values, higherIsBetter);
        if (outcome is not null)
        {
            Outcomes.Add(outcome with { Reference = reference, VsReference = vsReference });
        }

        cells.Add(outcome?.Text ?? "–");
        table.Row([.. cells]);
    }

    /// <summary>
    /// The best, named only when the runner-up's ratio to it (worse over better) has a 95 % interval wholly above
    /// 1 + the tie band; with no interval, when the figures alone are further apart than the tie band.
    /// </summary>
    private RowOutcome? Decide(
        string scenario,
        string metric,
        List<(double Value, int Index)> ordered,
        List<double[]?> draws,
        List<double?> values,
        bool higherIsBetter)
    {
        if (ordered.Count < 2)
        {
            return null;
        }

        var inv = CultureInfo.InvariantCulture;
        var (best, second) = (ordered[0], ordered[1]);
        var (bestName, secondName) = (transports[best.Index], transports[second.Index]);
        var ratio = higherIsBetter
            ? best.Value / Math.Max(second.Value, double.Epsilon)
            : second.Value / Math.Max(best.Value, double.Epsilon);
        if (draws[best.Index] is { } bestDraws && draws[second.Index] is { } secondDraws)
        {
            var (low, high) = BlockBootstrap.Interval(higherIsBetter
                ? BlockBootstrap.Ratio(bestDraws, secondDraws)
                : BlockBootstrap.Ratio(secondDraws, bestDraws));
            var clear = low > 1 + TieBand;
            var others = new List<(string Transport, double Ratio, double Low, double High)>();
            foreach (var (value, index) in ordered.Skip(1))
            {
                if (draws[index] is { } d)
                {
                    var (l, h) = BlockBootstrap.Interval(higherIsBetter
                        ? BlockBootstrap.Ratio(bestDraws, d)
                        : BlockBootstrap.Ratio(d, bestDraws));
                    var behind = higherIsBetter
                        ? best.Value / Math.Max(value, double.Epsilon)
                        : value / Math.Max(best.Value, double.Epsilon);
                    others.Add((transports[index], behind, l, h));
                }
            }

            var text = clear
                ? string.Create(inv, $"{bestName} ({secondName} {Formats.Ratio(ratio)}"
                    + $" [{Formats.Ratio(low).TrimEnd('×')}–{Formats.Ratio(high)}] {(higherIsBetter ? "lower" : "higher")})")
                : string.Create(inv, $"no clear difference: {bestName}, {secondName}"
                    + $" ([{Formats.Ratio(low).TrimEnd('×')}–{Formats.Ratio(high)}])");
            return new RowOutcome(scenario, metric, bestName, secondName, ratio, low, high, clear, higherIsBetter, text)
            {
                Others = others,
            };
        }

        var apart = ratio > 1 + TieBand;
        var single = apart
            ? $"{(higherIsBetter ? "highest" : "lowest")}: {bestName} (one measurement, no verdict)"
            : string.Create(inv, $"tie: {bestName}, {secondName} (within {TieBand * 100:0} %, one measurement)");
        return new RowOutcome(scenario, metric, bestName, secondName, ratio, null, null, apart, higherIsBetter, single);
    }

    public void WriteTo(System.Text.StringBuilder sb) => table.WriteTo(sb);

    /// <summary>The sentence under the table: what the ratio is against, what the interval is and when a winner is named.</summary>
    public string Legend() => transports.Count < 2
        ? ""
        : string.Create(CultureInfo.InvariantCulture, $"Ratios in brackets are against {reference} (the reference, `--reference`), with"
            + $" their {BlockBootstrap.Level * 100:0} % interval in square brackets; the best figure is in bold. ")
            + string.Create(CultureInfo.InvariantCulture, $"Intervals come from a bootstrap ({BlockBootstrap.Replicates:N0} replicates):"
                + $" for interleaved scenarios a hierarchical one that ")
            + "draws target launches, then rounds within them, alike for every transport (so a ratio is over the same stretches of time); "
            + "for scenarios run one transport after another, over the measured seconds (or launches with `--repeat` "
            + $"{BlockBootstrap.MinLaunches} or more), "
            + "which shows how steady one launch was, not launch-to-launch noise. "
            + string.Create(CultureInfo.InvariantCulture, $"The last column names the best only when the runner-up's ratio to it lies"
                + $" wholly above {1 + TieBand:0.00}× (the tie band, {TieBand * 100:0} %); otherwise it says \"no clear difference\".");
}

/// <summary>
/// What one at-a-glance row decided: the best and the runner-up, the runner-up's ratio to the best (worse over better,
/// so ≥ 1) and its interval (null without one), and whether the best is a clear winner.
/// </summary>
public sealed record RowOutcome(
    string Scenario,
    string Metric,
    string Best,
    string RunnerUp,
    double Ratio,
    double? Low,
    double? High,
    bool Clear,
    bool HigherIsBetter,
    string Text)
{
    /// <summary>Every transport behind the best, with its ratio to the best (worse over better) and that ratio's interval.</summary>
    public IReadOnlyList<(string Transport, double Ratio, double Low, double High)> Others { get; init; } = [];

    /// <summary>The others whose interval lies wholly beyond the tie band: clearly behind the best.</summary>
    public IEnumerable<(string Transport, double Ratio, double Low, double High)> ClearlyBehind =>
        Others.Where(o => o.Low > 1 + GlanceTable.TieBand);

    /// <summary>The transport the table's ratios are against; null when none.</summary>
    public string? Reference { get; init; }

    /// <summary>
    /// Every other transport's ratio to <see cref="Reference"/> (its figure over the reference's) and that ratio's
    /// interval.
    /// </summary>
    public IReadOnlyList<(string Transport, double Ratio, double Low, double High)> VsReference { get; init; } = [];

    /// <summary>Whether a difference is clear: the whole interval lies beyond the tie band.</summary>
    public static bool IsClear(double low) => low > 1 + GlanceTable.TieBand;
}
