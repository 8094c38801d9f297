using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>Runs a real plan (targets as their own processes, real sockets on loopback) into a temporary folder.</summary>
internal sealed class RunHarness : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("bench-e2e-").FullName;

    public RunPlan Plan(string scenario, Func<RunPlan, RunPlan>? change = null)
    {
        var plan = new RunPlan
        {
            Scenarios = [ScenarioCatalog.Find(scenario)!],
            Transports = [TransportCatalog.WebSocket, TransportCatalog.Webhook],
            Profile = Profile.Quick,
            OutputDirectory = Directory,
            Warmup = TimeSpan.FromSeconds(0.5),
            Duration = TimeSpan.FromSeconds(2),
            CostProbe = TimeSpan.Zero,
            CommandLine = "bench run (test)",
            Sequential = true,
        };
        return change is null ? plan : change(plan);
    }

    public async Task<(int Code, RunResults Results)> RunAsync(RunPlan plan, CancellationToken ct = default, IProgressSink? progress = null)
    {
        var code = await new RunExecutor(plan, progress ?? NullProgressSink.Instance, TextWriter.Null, TimeProvider.System)
            .ExecuteAsync(ct);
        return (code, ResultsJson.Read(Path.Combine(Directory, "results.json")));
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// Progress a test can wait on: a run's messages and readings as they come, so that a test acts when the run has
/// reached a point (the load started, deliveries measured) rather than after a fixed time that a loaded machine misses.
/// </summary>
internal sealed class WatchedProgress : IProgressSink
{
    private readonly List<(Func<ProgressSnapshot?, string?, bool> When, TaskCompletionSource Reached)> waits = [];
    private readonly object gate = new();

    /// <summary>Completes when a message satisfies <paramref name="match"/>.</summary>
    public Task Message(Func<string, bool> match) => Add((_, line) => line is not null && match(line));

    /// <summary>Completes when a reading satisfies <paramref name="match"/>.</summary>
    public Task Reading(Func<ProgressSnapshot, bool> match) => Add((s, _) => s is not null && match(s));

    public void Report(ProgressSnapshot snapshot) => Check(snapshot, null);

    void IProgressSink.Message(string line) => Check(null, line);

    private Task Add(Func<ProgressSnapshot?, string?, bool> when)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            waits.Add((when, reached));
        }

        return reached.Task;
    }

    private void Check(ProgressSnapshot? snapshot, string? line)
    {
        lock (gate)
        {
            foreach (var (when, reached) in waits.Where(w => !w.Reached.Task.IsCompleted && w.When(snapshot, line)))
            {
                reached.TrySetResult();
            }
        }
    }
}
