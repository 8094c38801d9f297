using System.Globalization;
using Bench.Reports.Markdown;
using Bench.Reports.Metrics;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// The latency and cost comparison (rtt, push, overhead): the at-a-glance rows with a clear winner, largest first,
/// those with no clear difference, those without an interval, and whether the transports' guarantees differ. Its
/// figures are at a glance's own tables.
/// </summary>
internal sealed class ComparisonVerdict : IScenarioVerdict
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Rows with a clear difference given one by one; the rest are counted.</summary>
    private const int Shown = 4;

    public bool IsAvailable(VerdictInput input) => input.Outcomes.Count > 0;

    public IEnumerable<string> Lines(VerdictInput input)
    {
        var outcomes = input.Outcomes;
        var withIntervals = outcomes.Where(o => o.Low is not null).ToList();
        var differing = withIntervals.Where(o => o.ClearlyBehind.Any()).OrderByDescending(o => o.ClearlyBehind.Max(b => b.Ratio)).ToList();
        foreach (var o in differing.Take(Shown))
        {
            var word = o.HigherIsBetter ? "lower" : "higher";
            var behind = string.Join(", ", o.ClearlyBehind.Select(b =>
                string.Create(Inv, $"{b.Transport} {Formats.Ratio(b.Ratio)} {word} [{Range(b.Low, b.High)}]")));
            yield return o.Clear
                ? $"**{o.Scenario} {o.Metric}: {o.Best} is best**; {behind}."
                : $"**{o.Scenario} {o.Metric}: no clear difference between {o.Best} and {o.RunnerUp}**; behind them {behind}.";
        }

        var flat = withIntervals.Where(o => !o.ClearlyBehind.Any()).Select(o => $"{o.Scenario} {o.Metric}").ToList();
        if (flat.Count > 0)
        {
            yield return string.Create(Inv, $"No clear difference at all on {string.Join(", ", flat)}: ")
                + string.Create(Inv, $"every interval reaches into the {GlanceTable.TieBand * 100:0} % tie band.");
        }

        if (differing.Count > Shown)
        {
            yield return string.Create(Inv, $"{differing.Count - Shown} more row(s) with a clear difference are in At a glance.");
        }

        var single = Single(input);
        if (single.Count > 0)
        {
            yield return "Without an interval — single measurements, "
                + "or a marginal cost whose replicates fell to zero or below too often — "
                + $"so no winner is named from them (their figures are in At a glance): {string.Join(", ", single)}.";
        }

        var guarantees = input.Measured.Where(r => r.Guarantee is not null && r.Variant == "default" && r.Resilience is null)
            .GroupBy(r => r.Transport).Select(g => (Transport: g.Key, Short: g.First().Guarantee!.Split(':')[0])).ToList();
        if (guarantees.Select(g => g.Short).Distinct().Count() > 1)
        {
            yield return "The guarantees differ, and the figures are of each as production runs it: "
                + string.Join("; ", guarantees.Select(g => $"{g.Transport} {g.Short}")) + ".";
        }
    }

    public IEnumerable<GlanceRow> Glance(VerdictInput input) => [];

    public string? SingleMeasurements(VerdictInput input) => Single(input) is { Count: > 0 } single ? string.Join(", ", single) : null;

    private static List<string> Single(VerdictInput input) =>
        [.. input.Outcomes.Where(o => o.Low is null).Select(o => $"{o.Scenario} {o.Metric}").Distinct()];

    private static string Range(double low, double high) => Formats.Ratio(low).TrimEnd('×') + "–" + Formats.Ratio(high);
}
