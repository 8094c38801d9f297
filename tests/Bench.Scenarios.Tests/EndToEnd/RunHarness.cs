using Bench.Reports.Json;
using Bench.Reports.Model;
using Bench.Scenarios.Plan;
using Bench.Scenarios.Running;
using Bench.Scenarios.Scenarios;
using Bench.Scenarios.Transports;

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

    public async Task<(int Code, RunResults Results)> RunAsync(RunPlan plan, CancellationToken ct = default)
    {
        var code = await new RunExecutor(plan, NullProgressSink.Instance, TextWriter.Null, TimeProvider.System).ExecuteAsync(ct);
        return (code, ResultsJson.Read(Path.Combine(Directory, "results.json")));
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
