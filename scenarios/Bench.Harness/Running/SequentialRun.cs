using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Reports.Model;

namespace Bench.Harness.Running;

/// <summary>
/// A plan's cases run one after another in this process, each as <see cref="RunExecutor"/> runs a case that is not
/// interleaved (<c>bench run --sequential</c>): the scenario's own case, its transport's reference target started and
/// stopped, its result built by <see cref="ResultBuilder"/>. No run folder: the caller writes the results (the SDK's
/// <c>BenchRunner</c> writes them beside its own scenarios').
/// </summary>
public static class SequentialRun
{
    /// <summary>Runs every case of <paramref name="plan"/>; an invalid plan is a <see cref="UsageException"/>.</summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(
        RunPlan plan, IProgressSink progress, TimeProvider clock, CancellationToken ct)
    {
        if (plan.Validate() is { Count: > 0 } problems)
        {
            throw new UsageException(problems);
        }

        var results = new List<ScenarioResult>();
        foreach (var scenario in plan.Scenarios)
        {
            var settings = plan.SettingsFor(scenario);
            foreach (var @case in scenario.Cases(plan))
            {
                ct.ThrowIfCancellationRequested();
                if (@case.Transport.Unsupported(scenario.Name) is null)
                {
                    progress.Message($"{@case.Label}: {ScenarioCase.Starting(@case.Transport)}");
                }

                var context = new ScenarioContext(settings, plan.ReadyTimeout, progress) { Clock = clock };
                results.Add(await @case.RunAsync(context, ct).ConfigureAwait(false));
            }
        }

        return results;
    }
}
