using System.Globalization;
using Bench.Engine.Metrics;
using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Harness.Targets;
using Bench.Reports;
using Bench.Reports.Json;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Harness.Running;

/// <summary>
/// Runs a plan: every scenario × transport in turn, <c>results.json</c> rewritten after each one completes, then the
/// report. A target that fails stops the run with exit 4, Ctrl-C with 130; either way what was measured stays on disk
/// and the report is written from it.
/// </summary>
public sealed class RunExecutor(RunPlan plan, IProgressSink progress, TextWriter output, TimeProvider clock)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var startedAt = clock.GetUtcNow();
        var runId = EnvironmentProbe.RunId(startedAt);
        var directory = plan.OutputDirectory ?? RunFolders.Unique(runId);
        Directory.CreateDirectory(directory);
        var resultsPath = Path.Combine(directory, "results.json");
        var run = new RunResults
        {
            RunId = runId,
            StartedAt = startedAt,
            Profile = plan.Profile.Name,
            Environment = EnvironmentProbe.Describe(plan.CommandLine),
            Reference = plan.Reference.Name,
            Suite = plan.Suite,
            Thresholds = plan.Thresholds.Count > 0 ? [.. plan.Thresholds.Select(t => t.Text)] : null,
        };
        ResultsJson.Write(run, resultsPath);
        progress.Message($"Bench run {runId} ({plan.Profile.Name} profile) -> {directory}");
        using var metrics = new LiveMetrics(clock);
        using var export = MetricsExport.Start(plan, progress, output);

        // With --repeat the whole suite runs again, each launch with fresh targets; a case's result is then the merge of
        // its launches so far (medians, summed counts, every launch kept).
        var launches = new List<(string Label, List<ScenarioResult> Runs)>();
        var total = plan.Launches;
        async Task RunLaunchesAsync(int first)
        {
            for (var launch = first; launch <= total; launch++)
            {
                if (total > 1)
                {
                    progress.Message($"launch {launch} of {total}");
                }

                var index = 0;
                foreach (var scenario in plan.Scenarios)
                {
                    var settings = plan.SettingsFor(scenario);
                    var comparison = plan.Interleaves(scenario) && scenario is Interleaved.IInterleavedScenario interleaved
                        ? interleaved.Comparison(plan, settings, [.. plan.Transports.Where(t => t.Unsupported(scenario.Name) is null)])
                        : null;
                    Dictionary<Transports.ITransport, ScenarioResult>? compared = null;
                    foreach (var @case in scenario.Cases(plan))
                    {
                        ct.ThrowIfCancellationRequested();
                        var inComparison = comparison is not null && @case.Variant == VariantName.Default
                            && comparison.Transports.Contains(@case.Transport);
                        if (@case.Transport.Unsupported(scenario.Name) is null && !inComparison)
                        {
                            progress.Message($"{@case.Label}: {ScenarioCase.Starting(@case.Transport)}");
                        }

                        if (!inComparison)
                        {
                            // A comparison's cases are begun together, by the comparison.
                            metrics.BeginCase(scenario.Name, @case.Transport.Name, @case.Variant, settings.RatePerSec);
                        }

                        var fleet = plan.Agents is { } agents
                            ? new Distributed.FleetOptions(agents, runId, directory, plan.Clock)
                            {
                                Listen = plan.AgentsListen,
                                Token = plan.AgentsToken,
                                Wait = plan.AgentsWait ?? (plan.AgentsListen is null
                                    ? Distributed.FleetOptions.DefaultWait
                                    : Distributed.FleetOptions.DefaultListenWait),
                            }
                            : null;
                        ScenarioResult result;
                        try
                        {
                            var context = new ScenarioContext(settings, plan.ReadyTimeout, progress)
                            {
                                Clock = clock,
                                Metrics = metrics,
                                Fleet = fleet
                            };
                            if (inComparison)
                            {
                                // Every transport of the comparison is measured at once, on the first of their cases.
                                compared ??= await CompareAsync(context, comparison!, ct).ConfigureAwait(false);
                                result = compared[@case.Transport];
                            }
                            else
                            {
                                result = await @case.RunAsync(context, ct).ConfigureAwait(false);
                            }
                        }
                        catch (Distributed.AgentsFailedException e)
                        {
                            // The agents that finished are kept; the run then stops as when a target dies.
                            run.Results.Add(e.Partial);
                            ResultsJson.Write(run, resultsPath);
                            throw;
                        }

                        var c = result.Counts;
                        if (inComparison)
                        {
                            metrics.EndCase(scenario.Name, @case.Transport.Name, @case.Variant, c.Sent, c.Delivered,
                                c.Errors, c.Lost, c.Duplicated);
                        }
                        else
                        {
                            metrics.EndCase(c.Sent, c.Delivered, c.Errors, c.Lost, c.Duplicated);
                        }
                        if (launch == 1)
                        {
                            launches.Add((@case.Label, [result]));
                        }
                        else
                        {
                            launches[index].Runs.Add(result);
                        }

                        index++;
                        run.Results.Clear();
                        run.Results.AddRange(launches.Select(l => total > 1 ? LaunchMerge.Merge(l.Runs) : l.Runs[0]));
                        ResultsJson.Write(run, resultsPath);
                        progress.Message(Summary(result));
                        ThresholdCheck.AfterCase(plan.Thresholds, result);
                        ct.ThrowIfCancellationRequested();
                    }
                }
            }
        }

        var exitCode = await MeasureAsync(() => RunLaunchesAsync(1)).ConfigureAwait(false);
        var report = Finish();
        await output.WriteLineAsync($"Results: {Path.GetFullPath(resultsPath)}").ConfigureAwait(false);
        if (report is null)
        {
            return ExitCodes.RunFailed;
        }

        await output.WriteLineAsync($"Report:  {Path.GetFullPath(report)}").ConfigureAwait(false);
        var held = plan.Thresholds.Count == 0 || exitCode is not (ExitCodes.Ok or ExitCodes.Regression)
            || ThresholdCheck.Judge(plan.Thresholds, run, directory, output);
        if (exitCode != ExitCodes.Ok)
        {
            return exitCode;
        }

        if (plan.SaveBaseline is { } save)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(save))!);
            File.Copy(resultsPath, save, overwrite: true);
            await output.WriteLineAsync($"Baseline: {Path.GetFullPath(save)}").ConfigureAwait(false);
        }

        if (plan.Baseline is not { } baseline)
        {
            return held ? exitCode : ExitCodes.Regression;
        }

        var gated = Gate.GateRun.Judge(baseline, plan.BaselineName, run, directory, plan.Gate, output, progress.Message);
        if (gated != ExitCodes.Regression || plan.Confirm == 0)
        {
            // A failed threshold fails the run whatever the gate says; a gate that could not judge still says so.
            return held || gated is ExitCodes.Usage or ExitCodes.RunFailed ? gated : ExitCodes.Regression;
        }

        // A launch-to-launch fluke can look like a regression; a real one holds when more launches are added.
        await output.WriteLineAsync($"The gate found a regression: confirming it with {plan.Confirm} more launches " +
            $"(--confirm).").ConfigureAwait(false);
        var first = total + 1;
        total += plan.Confirm;
        run = run with { Status = "running" };
        exitCode = await MeasureAsync(() => RunLaunchesAsync(first)).ConfigureAwait(false);
        if (Finish() is null)
        {
            return ExitCodes.RunFailed;
        }

        return exitCode != ExitCodes.Ok ? exitCode : Gate.GateRun.Judge(baseline, plan.BaselineName, run, directory, plan.Gate,
            output, progress.Message);

        // Runs the launches; a target that fails, a Ctrl-C or a fault of the harness keeps what was measured.
        async Task<int> MeasureAsync(Func<Task> body)
        {
            try
            {
                await body().ConfigureAwait(false);
                run = run with { Status = "complete" };
                return ExitCodes.Ok;
            }
            catch (ThresholdAbortException e)
            {
                progress.Message($"stopped: {e.Message}");
                run = run with { Status = "stopped", StatusMessage = e.Message };
                return ExitCodes.Regression;
            }
            catch (TargetFailedException e)
            {
                progress.Message($"error: {e.Message}");
                run = run with { Status = "failed", StatusMessage = e.Message };
                return ExitCodes.RunFailed;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                progress.Message("cancelled: writing what was measured so far");
                run = run with { Status = "cancelled", StatusMessage = "stopped by the user" };
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // A fault of the harness itself: keep what was measured, say what happened, and fail the run.
                progress.Message($"error: the run failed: {e}");
                run = run with { Status = "failed", StatusMessage = $"{e.GetType().Name}: {e.Message}" };
                return ExitCodes.RunFailed;
            }
        }

        // Writes the results and renders the report; returns the report's path, or null (said in one line) when the
        // report could not be rendered: results.json is kept either way.
        string? Finish()
        {
            ResultsJson.Write(run, resultsPath);
            progress.Message("rendering report and charts");
            string written;
            try
            {
                written = ReportWriter.Write(run, directory);
            }
            catch (Exception e) when (e is ReportRenderException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                progress.Message($"error: {e.Message}; results.json is kept: {Path.GetFullPath(resultsPath)}");
                return null;
            }

            if (plan.OutputDirectory is null && RunFolders.PointLatestAt(directory) is { } warning)
            {
                progress.Message(warning);
            }

            return written;
        }
    }

    private async Task<Dictionary<Transports.ITransport, ScenarioResult>> CompareAsync(
        ScenarioContext context, Interleaved.ComparisonPlan comparison, CancellationToken ct)
    {
        progress.Message(string.Create(CultureInfo.InvariantCulture,
            $"{comparison.Scenario}: interleaved comparison of {string.Join(", ", comparison.Transports.Select(t => t.Name))} — "
            + $"{comparison.TargetLaunches} target launches × "
            + $"{comparison.RoundsPerLaunch} rounds of {comparison.Block.TotalSeconds:0.#} s blocks"
            + $"{(comparison.HalfBlock > TimeSpan.Zero ? $" (+ {comparison.HalfBlock.TotalSeconds:0.##} s at half rate)" : "")}"));
        var results = await Interleaved.TransportComparison.RunAsync(context, comparison, ct).ConfigureAwait(false);
        return comparison.Transports.Select((t, i) => (t, results[i])).ToDictionary(x => x.t, x => x.Item2);
    }

    private static string Summary(ScenarioResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var label = $"{r.Scenario}/{r.Transport}{VariantName.Suffix(r.Variant)}";
        var warnings = r.Warnings.Count > 0 ? $" ({r.Warnings.Count} warning(s))" : "";
        return r switch
        {
            { NotApplicable: { } reason } => $"{label}{(r.Saturation is { } m ? " (" + m.Mode + ")" : "")}: n/a — {reason}",
            { Saturation: { } x } => string.Create(inv, $"{r.Scenario}/{x.Mode}/{r.Transport}{VariantName.Suffix(r.Variant)}: sustains " +
                $"{x.MaxSustainablePerSec:N0}/s; stopped {x.BreachReason}{warnings}"),
            { Connections: { } c } => string.Create(inv, $"{label}: {c.Subscribers:N0} held, " +
                $"{(c.Memory.Count > 0 ? c.Memory[^1].RssKiBPerSubscriber.ToString("N1", inv) + " KiB RSS each" : "memory not measured")}" +
                $", idle CPU {(c.IdleCpuPercent is { } idle ? idle.ToString("0.0", inv) + " %" : "not measured")}, fan-out to all p50 " +
                $"{Formats.Milliseconds(c.FanOut[^1].P50Us)}{warnings}"),
            { Wire: { } w } => string.Create(inv, $"{label} {w.PayloadBytes:N0} B: {w.ToSubscriberBytesPerEvent:N0} B/event to the " +
                $"subscriber, {w.FromSubscriberBytesPerEvent:N0} back, target " +
                $"{(w.TargetCpuUsPerEvent is { } cpu ? cpu.ToString("N0", inv) + " µs" : "CPU not measured")}/event{warnings}"),
            { ServerFeed: { } f } => string.Create(inv, $"{label} (source: server): latency {(f.LatencyMeasured
                    ? $"p50 {Formats.Milliseconds(r.LatencyUs.P50)}, p99 {Formats.Milliseconds(r.LatencyUs.P99)}"
                    : "not measured")}, {f.DeliveriesPerSec:N1} deliveries/s, sent {r.Counts.Sent:N0} (by its sequence), " +
                $"delivered {r.Counts.Delivered:N0}, " +
                $"lost {r.Counts.Lost:N0}, duplicated {r.Counts.Duplicated:N0}, errors {r.Counts.Errors:N0}{warnings}"),
            _ => string.Create(inv, $"{label}: p50 {Formats.Milliseconds(r.LatencyUs.P50)}, p99 {Formats.Milliseconds(r.LatencyUs.P99)}, " +
                $"achieved {r.Throughput.AchievedPerSec:N1}/s of {r.Throughput.OfferedPerSec:N0}/s, delivered {r.Counts.Delivered:N0}, " +
                $"lost {r.Counts.Lost:N0}, errors {r.Counts.Errors:N0}{warnings}"),
        };
    }
}
