using System.Globalization;
using System.Text;
using Bench.Reports.Metrics;
using Bench.Reports.Model;
using Bench.Reports.Stats;
using Bench.Reports.VerdictKinds;

namespace Bench.Reports.Markdown;

/// <summary>
/// The report's opening: a few generated sentences for every kind of scenario the run holds
/// (<see cref="ScenarioVerdicts.All"/>) — what differs, by how much and how surely; who lost events under each fault;
/// who came back after a storm; how far each transport went before it saturated; what a subscriber costs — then the
/// caveats of this run, all from this run's figures.
/// </summary>
internal static class VerdictSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(StringBuilder sb, RunResults run, IReadOnlyList<RowOutcome> outcomes)
    {
        sb.AppendLine("## Verdict");
        sb.AppendLine();
        var input = new VerdictInput(run, outcomes);
        var measured = input.Measured;
        if (measured.Count == 0)
        {
            sb.AppendLine("No case was measured in this run, so there is nothing to compare.");
            sb.AppendLine();
            return;
        }

        if (outcomes.Any(o => o.Low is not null))
        {
            sb.Append(Inv, $"Ratios are worse over best, with their {BlockBootstrap.Level * 100:0} % interval in brackets; ")
                .AppendLine(Inv, $"a difference is clear when the whole interval lies above {1 + GlanceTable.TieBand:0.00}×.");
            sb.AppendLine();
        }

        var sentences = new List<string>();
        if (input.Transports.Count == 1)
        {
            sentences.Add($"One transport ({input.Transports[0]}): no comparison; its figures follow.");
        }

        sentences.AddRange(ScenarioVerdicts.Of(input).SelectMany(v => v.Lines(input)));
        var e = run.Environment;
        var machine = string.Create(Inv, $"Caveats: one machine ({e.LogicalCores} logical cores) ")
            + "shared by the load generator, the targets and every subscriber, "
            + "over loopback (no network delay or bandwidth limit unless a wan variant says so)";
        sentences.Add(machine + "; " + NoiseStatement(run, measured, outcomes) + ".");
        foreach (var sentence in sentences)
        {
            sb.AppendLine("- " + sentence);
        }

        sb.AppendLine();
    }

    /// <summary>What the intervals cover, and how much the ratios moved between this run's launches — measured, not assumed.</summary>
    private static string NoiseStatement(RunResults run, IReadOnlyList<ScenarioResult> measured, IReadOnlyList<RowOutcome> outcomes)
    {
        var interleaved = measured.Where(r => r.Interleaved is not null).ToList();
        if (interleaved.Count == 0)
        {
            if (!outcomes.Any(o => o.Low is not null))
            {
                return "no figure here has an interval: each is one measurement of one launch, and the next launch may differ";
            }

            return measured.Any(r => r.Launches.Count >= BlockBootstrap.MinLaunches)
                ? "intervals cover variation across this run's launches"
                : "these transports ran one after another, so the intervals cover variation within one launch only, "
                    + "not what changes between launches";
        }

        var il = interleaved[0].Interleaved!;
        var text = string.Create(Inv, $"intervals resample {il.TargetLaunches} target launch(es), ")
            + string.Create(Inv, $"then {il.RoundsPerLaunch} interleaved rounds within each");
        var spreads = LaunchSpread.Of(measured, run.Reference ?? "websocket");
        if (spreads.Count == 0)
        {
            return text;
        }

        var largest = spreads.MaxBy(x => x.ChangePercent)!;
        var median = spreads.Select(x => x.ChangePercent).Order().ElementAt(spreads.Count / 2);
        return text + string.Create(Inv,
            $"; between this run's launches, a transport's ratio to {run.Reference ?? "websocket"} moved by {Move(median)}"
                + $" (median of {spreads.Count})")
            + $" and at most by {Move(largest.ChangePercent)} "
            + $"({largest.Scenario} {largest.Figure}, {largest.Transport}: {string.Join(" → ", largest.Ratios.Select(Formats.Ratio))})";
    }

    /// <summary>A move between launches: in percent up to 100 %, beyond that as a factor (×3.4, not 240 %).</summary>
    private static string Move(double percent) =>
        percent < 100 ? string.Create(Inv, $"{percent:0} %") : "a factor of " + Formats.Ratio(1 + (percent / 100)).TrimEnd('×');
}
