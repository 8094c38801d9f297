using Bench.Reports.Model;
using Bench.Reports.Thresholds;

namespace Bench.Harness.Running;

/// <summary>A threshold marked <c>abort-on-fail</c> failed on a case: the run stops there (k6's <c>abortOnFail</c>).</summary>
public sealed class ThresholdAbortException(ThresholdOutcome outcome)
    : Exception($"threshold '{outcome.Threshold.Text}' failed on {outcome.CaseName} "
        + $"({outcome.Threshold.Metric.Name} = {outcome.Threshold.Metric.Format(outcome.Value)}): the run stops (abort-on-fail)")
{
    public ThresholdOutcome Outcome { get; } = outcome;
}

/// <summary>A run's thresholds: checked after each case (those that abort), and held against every case at the end.</summary>
public static class ThresholdCheck
{
    /// <summary>Throws <see cref="ThresholdAbortException"/> when <paramref name="result"/> fails a threshold that aborts.</summary>
    public static void AfterCase(IReadOnlyList<Threshold> thresholds, ScenarioResult result)
    {
        var failed = ThresholdOutcome.Evaluate(thresholds.Where(t => t.AbortOnFail && t.Scenario == result.Scenario), [result])
            .FirstOrDefault(o => !o.Held);
        if (failed is not null)
        {
            throw new ThresholdAbortException(failed);
        }
    }

    /// <summary>
    /// Holds every case to the thresholds; writes <c>thresholds.md</c> and <c>thresholds.junit.xml</c> into the run
    /// folder, appends the table to <c>$GITHUB_STEP_SUMMARY</c> when set, and says the summary in one line. Returns
    /// whether all held.
    /// </summary>
    public static bool Judge(IReadOnlyList<Threshold> thresholds, RunResults run, string directory, TextWriter output)
    {
        var outcomes = ThresholdOutcome.Evaluate(thresholds, run.Results);
        var markdown = ThresholdOutput.Markdown(outcomes);
        File.WriteAllText(Path.Combine(directory, "thresholds.md"), markdown);
        File.WriteAllText(Path.Combine(directory, "thresholds.junit.xml"), ThresholdOutput.JUnit(outcomes));
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            File.AppendAllText(summary, markdown + "\n");
        }

        foreach (var o in outcomes.Where(o => !o.Held))
        {
            var metric = o.Threshold.Metric;
            output.WriteLine($"threshold failed: {o.Threshold.Text} on {o.CaseName} ({metric.Name} = {metric.Format(o.Value)})");
        }

        var all = outcomes.All(o => o.Held);
        output.WriteLine("Thresholds: " + ThresholdOutput.Summary(outcomes).Replace("**", "", StringComparison.Ordinal)
            + $"; table in {Path.Combine(directory, "thresholds.md")}");
        return all;
    }
}
