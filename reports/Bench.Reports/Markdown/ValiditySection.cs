using System.Globalization;
using System.Text;
using Bench.Reports.Metrics;
using Bench.Reports.Model;
using Bench.Reports.Stats;

namespace Bench.Reports.Markdown;

/// <summary>
/// Run validity, read before the figures: what could make a figure wrong, summarised with its measured effect
/// (generator lateness as a share of p99, an offered rate not reached, a window that was not yet steady, events not
/// delivered exactly once), then every case's own warnings.
/// </summary>
internal static class ValiditySection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(StringBuilder sb, RunResults run, IReadOnlyList<RowOutcome> outcomes)
    {
        sb.AppendLine("## Run validity");
        sb.AppendLine();
        var results = run.Results.Where(r => r.IsMeasured).ToList();
        var summary = new List<string>();
        if (run.Status != "complete")
        {
            summary.Add($"**The run is {run.Status}**{(run.StatusMessage is null ? "" : ": " + MarkdownText.Escape(run.StatusMessage))};"
                + $" only the cases below completed.");
        }

        foreach (var r in results.Where(r => r.Distribution is { MissingShards.Count: > 0 }))
        {
            summary.Add(string.Create(Inv, $"**{Case(r)}: shard {string.Join(", ", r.Distribution!.MissingShards)} of"
                + $" {r.Distribution.Agents} missing** — its agent did not finish; the case's figures are the other agents' shards."));
        }

        if (results.FirstOrDefault(r => r.Distribution is not null) is { Distribution: { } spread })
        {
            summary.Add($"Agents: {results.Count(r => r.Distribution is not null)} case(s) ran over {spread.Agents} agents and were"
                + $" merged exactly (histograms added, event sets united). Clock: {MarkdownText.Escape(spread.ClockMethod)}");
        }

        // A system that publishes on its own ran on no schedule of Bench's: it has no generator lateness to speak of.
        var scheduled = results.Where(r => r.ServerFeed is null).ToList();
        var late = scheduled.Where(r => r.Generator.ScheduleLagP99Us > 1_000 && r.LatencyUs.P99 > 0)
            .Select(r => (Result: r, Share: (double)r.Generator.ScheduleLagP99Us / r.LatencyUs.P99))
            .OrderByDescending(x => x.Share)
            .ToList();
        if (late.Count > 0)
        {
            var worst = late[0];
            summary.Add(string.Create(Inv,
                $"Generator lateness: in {late.Count} of {scheduled.Count} cases the schedule lag p99 was over 1 ms; at most it was"
                    + $" {worst.Share * 100:0} % of a latency p99 ({Case(worst.Result)}:"
                    + $" {Formats.Milliseconds(worst.Result.Generator.ScheduleLagP99Us)} of"
                    + $" {Formats.Milliseconds(worst.Result.LatencyUs.P99)}). Latency counts from the intended time, so up to that share"
                    + $" of a tail is the generator's."));
        }
        else if (scheduled.Count > 0)
        {
            summary.Add("Generator lateness: the schedule lag p99 stayed within 1 ms in every case.");
        }

        var notReached = results.Where(r => r.Throughput.OfferedPerSec > 0 && r.Saturation is null && r.Resilience is null
            && r.Throughput.AchievedPerSec < 0.98 * r.Throughput.OfferedPerSec).ToList();
        if (notReached.Count > 0)
        {
            summary.Add("Offered rate not reached in " + string.Join(", ", notReached.Select(r => string.Create(Inv,
                $"{Case(r)} ({100 * r.Throughput.AchievedPerSec / r.Throughput.OfferedPerSec:0.0} %)")))
                + ": those figures describe an overloaded system.");
        }

        var unsteady = results
            .Select(r => (Result: r, Cold: ColdStart.Of(r)))
            .Where(x => x.Cold is { UnsteadyInWindow: true, SteadyMeasuredP99Us: not null })
            .ToList();
        if (unsteady.Count > 0)
        {
            summary.Add(string.Create(Inv, $"Not steady when measuring began (rule: {ColdStart.SteadyRun} seconds in a row with p99 ≤"
                + $" {ColdStart.SteadyFactor}× the window's median second): ")
                + string.Join("; ", unsteady.Select(x => string.Create(Inv,
                    $"{Case(x.Result)} steadied {x.Cold!.SteadyAfterSec:0} s in, after a {x.Cold.WarmupSec:0.#} s warm-up;"
                        + $" its p99 is {Formats.Milliseconds(x.Cold.MeasuredP99Us)} with the unsteady seconds,"
                        + $" {Formats.Milliseconds(x.Cold.SteadyMeasuredP99Us!.Value)} without")))
                + ".");
        }

        summary.AddRange(Accounting(results));
        var single = Single(run, outcomes);
        if (single.Count > 0)
        {
            summary.Add("Single measurements, with no interval (another launch may give other figures): "
                + string.Join("; ", single) + ".");
        }

        foreach (var line in summary)
        {
            sb.AppendLine("- " + line);
        }

        sb.AppendLine();
        var warned = results.Where(r => r.Warnings.Count > 0).ToList();
        if (warned.Count == 0)
        {
            sb.AppendLine("No case carries a warning of its own.");
            sb.AppendLine();
            return;
        }

        sb.AppendLine("Each case's own warnings:");
        sb.AppendLine();
        foreach (var r in warned)
        {
            foreach (var w in r.Warnings)
            {
                sb.AppendLine(Warnings.WarningMarkdown.CaseItem(Case(r), w));
            }
        }

        sb.AppendLine();
    }

    /// <summary>Whether every event reached every subscriber exactly once, said only of the scenarios that ran.</summary>
    private static IEnumerable<string> Accounting(IReadOnlyList<ScenarioResult> results)
    {
        var faulted = results.Any(r => r.Resilience is not null);
        var others = results.Where(r => r.Resilience is null).ToList();
        if (others.Count > 0)
        {
            var inexact = others.Where(r => r.Counts.Lost > 0 || r.Counts.Duplicated > 0).ToList();
            var outside = faulted ? " outside the faults" : "";
            yield return inexact.Count == 0
                ? $"Accounting: every event reached every subscriber exactly once{outside}."
                : $"Not delivered exactly once{outside}: " + string.Join(", ", inexact.Select(r => string.Create(Inv,
                    $"{Case(r)} {r.Counts.Lost:N0} lost, {r.Counts.Duplicated:N0} duplicated"))) + ".";
        }

        if (faulted)
        {
            yield return "Accounting under faults: losses, duplicates and disorder are exact counts by the publisher's event number, "
                + "in the verdict and Resilience.";
        }
    }

    /// <summary>What the verdict's kinds say has no interval.</summary>
    private static List<string> Single(RunResults run, IReadOnlyList<RowOutcome> outcomes)
    {
        var input = new VerdictKinds.VerdictInput(run, outcomes);
        return [.. VerdictKinds.ScenarioVerdicts.Of(input).Select(v => v.SingleMeasurements(input)).OfType<string>()];
    }

    /// <summary>A case's name in prose: scenario (and fault, mode or payload), transport and variant.</summary>
    public static string Case(ScenarioResult r)
    {
        var scenario = r switch
        {
            { Resilience: { } x } => $"{r.Scenario} {x.Fault}",
            { Saturation: { } x } => $"{r.Scenario} {x.Mode}",
            { Wire: { } x } => $"{r.Scenario} {x.PayloadBytes.ToString("N0", Inv)} B",
            _ => r.Scenario,
        };
        return $"{scenario} / {MarkdownReport.Label(r)}";
    }
}
