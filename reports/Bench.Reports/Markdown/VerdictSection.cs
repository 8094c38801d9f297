using System.Globalization;
using System.Text;
using Bench.Reports.Metrics;
using Bench.Reports.Model;
using Bench.Reports.Stats;

namespace Bench.Reports.Markdown;

/// <summary>
/// The report's opening: a few generated sentences — what differs, by how much and how surely (the at-a-glance rows
/// with a clear winner, largest first), where no clear difference was found, what the transports' guarantees are,
/// and the caveats of this run — all from this run's figures.
/// </summary>
internal static class VerdictSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(StringBuilder sb, RunResults run, IReadOnlyList<RowOutcome> outcomes)
    {
        sb.AppendLine("## Verdict");
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"Ratios are worse over best, with their {BlockBootstrap.Level * 100:0} % interval in brackets; a difference is clear when the whole interval lies above {1 + GlanceTable.TieBand:0.00}×."));
        sb.AppendLine();
        var measured = run.Results.Where(r => r.IsMeasured).ToList();
        var transports = measured.Select(r => r.Transport).Distinct().ToList();
        if (transports.Count < 2 || outcomes.Count == 0)
        {
            sb.AppendLine(measured.Count == 0
                ? "No case was measured in this run, so there is nothing to compare."
                : $"Only {string.Join(", ", transports)} was measured here: there is no comparison to make. Its figures follow.");
            sb.AppendLine();
            return;
        }

        var sentences = new List<string>();
        var withIntervals = outcomes.Where(o => o.Low is not null).ToList();
        var differing = withIntervals.Where(o => o.ClearlyBehind.Any()).OrderByDescending(o => o.ClearlyBehind.Max(b => b.Ratio)).ToList();
        foreach (var o in differing.Take(4))
        {
            var word = o.HigherIsBetter ? "lower" : "higher";
            var behind = string.Join(", ", o.ClearlyBehind.Select(b => string.Create(Inv, $"{b.Transport} {Formats.Ratio(b.Ratio)} {word} [{Range(b.Low, b.High)}]")));
            sentences.Add(o.Clear
                ? $"**{o.Scenario} {o.Metric}: {o.Best} is best**; {behind}."
                : $"**{o.Scenario} {o.Metric}: no clear difference between {o.Best} and {o.RunnerUp}**; behind them {behind}.");
        }

        var flat = withIntervals.Where(o => !o.ClearlyBehind.Any()).ToList();
        if (flat.Count > 0)
        {
            sentences.Add(string.Create(Inv, $"No clear difference at all on {string.Join(", ", flat.Select(o => $"{o.Scenario} {o.Metric}"))}: every interval reaches into the {GlanceTable.TieBand * 100:0} % tie band."));
        }

        if (differing.Count > 4)
        {
            sentences.Add(string.Create(Inv, $"{differing.Count - 4} more row(s) with a clear difference are in At a glance."));
        }

        var single = outcomes.Where(o => o.Low is null).Select(o => $"{o.Scenario} {o.Metric}").Distinct().ToList();
        if (single.Count > 0)
        {
            sentences.Add("Without an interval — single measurements, or a marginal cost whose replicates fell to zero or below too often — "
                + $"so no winner is named from them (their figures are in At a glance): {string.Join(", ", single)}.");
        }

        var guarantees = measured.Where(r => r.Guarantee is not null && r.Variant == "default")
            .GroupBy(r => r.Transport).Select(g => (Transport: g.Key, Short: g.First().Guarantee!.Split(':')[0])).ToList();
        if (guarantees.Select(g => g.Short).Distinct().Count() > 1)
        {
            sentences.Add("The guarantees differ, and the figures are of each as production runs it: "
                + string.Join("; ", guarantees.Select(g => $"{g.Transport} {g.Short}")) + ".");
        }

        var e = run.Environment;
        var machine = string.Create(Inv, $"Caveats: one machine ({e.LogicalCores} logical cores) shared by the load generator, the targets and every subscriber, ")
            + "over loopback (no network delay or bandwidth limit unless a wan variant says so)";
        sentences.Add(machine + "; " + NoiseStatement(run, measured) + ".");
        foreach (var sentence in sentences)
        {
            sb.AppendLine("- " + sentence);
        }

        sb.AppendLine();
    }

    /// <summary>What the intervals cover, and how much the ratios moved between this run's target launches — measured, not assumed.</summary>
    private static string NoiseStatement(RunResults run, IReadOnlyList<ScenarioResult> measured)
    {
        var interleaved = measured.Where(r => r.Interleaved is not null).ToList();
        if (interleaved.Count == 0)
        {
            return measured.Any(r => r.Launches.Count >= BlockBootstrap.MinLaunches)
                ? "intervals cover variation across this run's launches"
                : "these transports ran one after another, so the intervals cover variation within one launch only, not what changes between launches";
        }

        var il = interleaved[0].Interleaved!;
        var text = string.Create(Inv, $"intervals resample {il.TargetLaunches} target launch(es), then {il.RoundsPerLaunch} interleaved rounds within each");
        var spreads = LaunchSpread.Of(measured, run.Reference ?? "websocket");
        if (spreads.Count == 0)
        {
            return text;
        }

        var largest = spreads.MaxBy(x => x.ChangePercent)!;
        var median = spreads.Select(x => x.ChangePercent).Order().ElementAt(spreads.Count / 2);
        return text + string.Create(Inv,
            $"; between this run's launches, a transport's ratio to {run.Reference ?? "websocket"} moved by {Move(median)} (median of {spreads.Count})")
            + $" and at most by {Move(largest.ChangePercent)} "
            + $"({largest.Scenario} {largest.Figure}, {largest.Transport}: {string.Join(" → ", largest.Ratios.Select(Formats.Ratio))})";
    }

    /// <summary>A move between launches: in percent up to 100 %, beyond that as a factor (×3.4, not 240 %).</summary>
    private static string Move(double percent) =>
        percent < 100 ? string.Create(Inv, $"{percent:0} %") : "a factor of " + Formats.Ratio(1 + (percent / 100)).TrimEnd('×');

    private static string Range(double low, double high) => Formats.Ratio(low).TrimEnd('×') + "–" + Formats.Ratio(high);
}
