using System.Diagnostics;
using System.Globalization;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Reports;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Sdk;

/// <summary>
/// Runs registered scenarios one after another and writes what Bench's own runs write — <c>results.json</c>,
/// <c>report.md</c>, <c>report.html</c>, charts and <c>.hlog</c> files — into one run folder. The results file is the
/// same schema, so <c>bench report</c>, <c>bench compare</c> and the CI gate read it as they read any run.
/// </summary>
public sealed record BenchRunner
{
    private BenchRunner(IReadOnlyList<BenchScenario> scenarios) => Scenarios = scenarios;

    public IReadOnlyList<BenchScenario> Scenarios { get; }

    /// <summary>The run folder. The default is <c>results/RUN-ID</c> under the current folder.</summary>
    public string? Folder { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Told one line at a time what the run is doing. The default writes to the console.</summary>
    public Action<string> Progress { get; init; } = Console.WriteLine;

    public static BenchRunner RegisterScenarios(params BenchScenario[] scenarios) => new(scenarios);

    public BenchRunner WithReportFolder(string folder) => this with { Folder = folder };

    public BenchRunner WithProgress(Action<string> progress) => this with { Progress = progress };

    /// <summary>
    /// Absolute pass/fail rules, as <c>bench run --threshold</c> takes them: <c>"chat.p99 &lt; 50ms"</c>,
    /// <c>"chat.lost == 0"</c> (a scenario's name, then a metric of <c>bench list</c>). The default is none.
    /// </summary>
    public IReadOnlyList<string> Thresholds { get; init; } = [];

    /// <summary>Holds every scenario's result to these rules; <see cref="RunOutcome.Passed"/> says whether all held.</summary>
    public BenchRunner WithThresholds(params string[] thresholds) => this with { Thresholds = [.. Thresholds, .. thresholds] };

    /// <summary>Runs every scenario, then writes the report; returns the results (also in <see cref="RunOutcome.Folder"/>).</summary>
    public async Task<RunOutcome> RunAsync(CancellationToken ct = default)
    {
        if (Scenarios.Count == 0)
        {
            throw new ArgumentException("register at least one scenario");
        }

        if (Scenarios.Select(s => s.Problem() is { } p ? $"{s.Name}: {p}" : null).FirstOrDefault(p => p is not null) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        var thresholds = new List<Bench.Reports.Thresholds.Threshold>();
        foreach (var text in Thresholds)
        {
            try
            {
                thresholds.Add(Bench.Reports.Thresholds.Threshold.Parse(text, [.. Scenarios.Select(s => s.Name)]));
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message);
            }
        }

        var started = Clock.GetUtcNow();
        var runId = EnvironmentProbe.RunId(started);
        var folder = Folder ?? Path.Combine("results", runId);
        Directory.CreateDirectory(folder);
        var results = new List<ScenarioResult>();
        var status = "complete";
        string? message = null;
        try
        {
            foreach (var scenario in Scenarios)
            {
                Progress($"{scenario.Name}/{scenario.Target}: running");
                var result = await RunOneAsync(scenario, ct).ConfigureAwait(false);
                results.Add(result);
                Progress(string.Create(CultureInfo.InvariantCulture,
                    $"{scenario.Name}/{scenario.Target}: p50 {result.LatencyUs.P50 / 1000.0:0.###} ms, p99"
                        + $" {result.LatencyUs.P99 / 1000.0:0.###} ms, delivered {result.Counts.Delivered:N0}, lost"
                        + $" {result.Counts.Lost:N0}, errors {result.Counts.Errors:N0}"));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = "cancelled";
            message = "stopped before every scenario ran";
        }

        var run = new RunResults
        {
            RunId = runId,
            StartedAt = started,
            Profile = "custom",
            Status = status,
            StatusMessage = message,
            Environment = EnvironmentProbe.Describe(Environment.CommandLine),
            Results = results,
            Reference = results.FirstOrDefault()?.Transport,
            Thresholds = Thresholds.Count > 0 ? [.. Thresholds] : null,
        };
        ResultsJson.Write(run, Path.Combine(folder, "results.json"));
        var report = ReportWriter.Write(run, folder);
        Progress($"Report: {Path.GetFullPath(report)}");
        var outcomes = Bench.Reports.Thresholds.ThresholdOutcome.Evaluate(thresholds, results);
        if (outcomes.Count > 0)
        {
            File.WriteAllText(Path.Combine(folder, "thresholds.junit.xml"), Bench.Reports.Thresholds.ThresholdOutput.JUnit(outcomes));
            var summary = Bench.Reports.Thresholds.ThresholdOutput.Summary(outcomes);
            Progress("Thresholds: " + summary.Replace("**", "", StringComparison.Ordinal));
        }

        return new RunOutcome(run, Path.GetFullPath(folder)) { Thresholds = outcomes };
    }

    private async Task<ScenarioResult> RunOneAsync(BenchScenario scenario, CancellationToken ct)
    {
        if (scenario.Transport is not null)
        {
            // Bench's own push, on the path bench run takes: the reference target, its clients and the result builder.
            var plan = scenario.ReferencePlan();
            var reference = await SequentialRun.RunAsync(plan, new ProgressLines(Progress), Clock, ct).ConfigureAwait(false);
            return reference.Single();
        }

        var phases = new List<LoadSimulation>();
        if (scenario.WarmUp > TimeSpan.Zero)
        {
            phases.Add(scenario.Simulations[0] with { During = scenario.WarmUp });
        }

        phases.AddRange(scenario.Simulations);
        var measured = TimeSpan.FromTicks(scenario.Simulations.Sum(s => s.During.Ticks));
        var seconds = (int)Math.Ceiling((scenario.WarmUp + measured + scenario.Drain).TotalSeconds) + 15;

        // Push: the step's own completion is the publish, not a delivery; deliveries come through the accounting.
        var deliveries = new RunRecorder(Clock, scenario.WarmUp, seconds);
        var steps = scenario.Subscribers == 0 ? deliveries : new RunRecorder(Clock, scenario.WarmUp, seconds);
        var runStart = Clock.GetTimestamp() + (long)(0.1 * Clock.TimestampFrequency);
        deliveries.Begin(runStart);
        if (!ReferenceEquals(steps, deliveries))
        {
            steps.Begin(runStart);
        }

        var push = scenario.Subscribers > 0 ? new PushSubscribers(scenario.Subscribers, deliveries) : null;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        if (scenario.Init is { } init)
        {
            await init(push, ct).ConfigureAwait(false);
        }

        LoadRunResult outcome;
        try
        {
            var runner = new LoadRunner(new LoadRunnerOptions
            {
                Simulations = phases,
                VirtualUsers = scenario.VirtualUsers,
                TimeProvider = Clock,
            });
            outcome = await runner.RunAsync(async (it, token) =>
            {
                push?.Intend(it.Number, it.IntendedTimestamp);
                try
                {
                    await scenario.Step(new StepContext(it.Number, it.IntendedTimestamp, it.VirtualUser, Clock, push, token))
                        .ConfigureAwait(false);
                }
                catch (StepFailedException e)
                {
                    throw new IterationFailedException(e.Kind, e.Message, e);
                }

                push?.Published(it.Number);
            }, steps, ct).ConfigureAwait(false);

            if (push is not null)
            {
                var until = Clock.GetTimestamp() + (long)(scenario.Drain.TotalSeconds * Clock.TimestampFrequency);
                while (!push.Complete() && Clock.GetTimestamp() < until && !ct.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), Clock, ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (scenario.Clean is { } clean)
            {
                await clean().ConfigureAwait(false);
            }
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var wall = Clock.GetElapsedTime(runStart).TotalSeconds;
        var cpuPercent = wall > 0 ? Math.Round(cpu.TotalSeconds / wall / Environment.ProcessorCount * 100, 2) : 0;
        return Result(scenario, push, steps, deliveries, outcome, measured, cpuPercent);
    }

    /// <summary>
    /// The scenario's result through the harness's own builder (<see cref="ResultBuilder"/>), so a custom scenario's
    /// figures and warnings are those of <c>bench run</c>: nothing here counts or warns on its own.
    /// </summary>
    private static ScenarioResult Result(
        BenchScenario scenario, PushSubscribers? push, RunRecorder steps, RunRecorder deliveries, LoadRunResult outcome, TimeSpan measured,
        double generatorCpuPercent)
    {
        var offered = scenario.Simulations.Sum(s => OpenSchedule.Count([s])) / Math.Max(measured.TotalSeconds, 1e-9);
        DeliveryCounts counts;
        IDictionary<string, long> stepErrors = new Dictionary<string, long>(StringComparer.Ordinal);
        var drainTimedOut = false;
        if (push is null)
        {
            counts = new DeliveryCounts(
                steps.Sent, steps.Delivered, Math.Max(0, steps.Sent - steps.Delivered - steps.Errors), 0, 0, steps.Errors);
        }
        else
        {
            // The steps' failures are the publishes'; the deliveries' recorder counts what arrived, as in bench run push.
            counts = push.Counts();
            stepErrors = steps.ErrorsByKind.Snapshot();
            drainTimedOut = !push.Complete();
        }

        var settings = new ScenarioSettings
        {
            RatePerSec = offered,
            Subscribers = scenario.Subscribers,
            PayloadBytes = 0,
            Connections = scenario.VirtualUsers,
            Duration = measured,
            Warmup = scenario.WarmUp,
            DrainTimeout = scenario.Drain,
        };
        var seconds = Math.Max(measured.TotalSeconds, 1e-9);
        var load = new LoadOutcome(outcome, seconds, seconds, generatorCpuPercent, 0, 0, 0, drainTimedOut, Cancelled: false)
        {
            TargetMeasured = false,
        };
        var description = push is null
            ? "custom request/response scenario (Bench.Sdk)"
            : $"custom push scenario (Bench.Sdk), {scenario.Subscribers} subscribers";
        var result = ResultBuilder.Build(
            scenario.Name, description, scenario.Target, settings, deliveries, load, counts, steps.Sent, stepErrors, []);
        return result with { Guarantee = "as the scenario's own system provides it" };
    }
}

/// <summary>The harness's progress as lines: its messages, not its per-second readings.</summary>
internal sealed class ProgressLines(Action<string> progress) : IProgressSink
{
    public void Report(ProgressSnapshot snapshot)
    {
    }

    public void Message(string line) => progress(line);
}

/// <summary>What a run produced: its results (as written to results.json) and the folder holding them and the report.</summary>
public sealed record RunOutcome(RunResults Results, string Folder)
{
    /// <summary>Every threshold held against every case of its scenario (empty without thresholds).</summary>
    public IReadOnlyList<Bench.Reports.Thresholds.ThresholdOutcome> Thresholds { get; init; } = [];

    /// <summary>Whether the run completed and every threshold held: what a test or a CI step asserts.</summary>
    public bool Passed => Results.Status == "complete" && Thresholds.All(t => t.Held);
}
