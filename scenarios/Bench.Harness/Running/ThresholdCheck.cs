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
    /// <summary>
    /// The run's thresholds: each <c>--threshold</c> given, then each target file's own. A wrong expression, or one that
    /// names a transport the run does not measure, is added to <paramref name="problems"/> as one line naming it.
    /// </summary>
    public static IReadOnlyList<Threshold> Read(
        IEnumerable<string> given, IReadOnlyList<Transports.ITransport> measured, List<string> problems)
    {
        var thresholds = new List<Threshold>();
        var scenarios = Scenarios.ScenarioCatalog.All.Select(s => s.Name).ToList();
        foreach (var text in given)
        {
            try
            {
                var t = Threshold.Parse(text, scenarios);
                if (t.Transport is { } named && !measured.Any(m => m.Name == named))
                {
                    var names = string.Join(", ", measured.Select(m => m.Name));
                    problems.Add($"--threshold: '{text}' names '{named}', which this run does not measure ({names})");
                    continue;
                }

                thresholds.Add(t);
            }
            catch (FormatException e)
            {
                problems.Add("--threshold: " + e.Message);
            }
        }

        thresholds.AddRange(measured.OfType<TargetFiles.FileTransport>().SelectMany(f => f.File.Thresholds));
        return thresholds;
    }

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
