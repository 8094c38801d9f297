using Bench.Harness;
using Bench.Harness.Transports;
using Bench.Reports.Json;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>Repeated launches and the gate wired into a run, over real targets.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RepeatTests : IDisposable
{
    private readonly RunHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Repeat_keeps_every_launch_and_a_saved_baseline_gates_the_next_run()
    {
        var baselinePath = Path.Combine(harness.Directory, "baseline.json");
        var plan = harness.Plan("rtt", p => p with
        {
            Transports = [TransportCatalog.WebSocket],
            RatePerSec = 200,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromSeconds(0.2),
            Repeat = 3,
            SaveBaseline = baselinePath,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);
        Assert.Equal(3, r.Launches.Count);
        Assert.All(r.Launches, l => Assert.Equal((200L, 200L, 0L, 0L), (l.Sent, l.Delivered, l.Lost, l.Duplicated)));
        Assert.Equal(600, r.Counts.Sent);
        Assert.Equal(r.Launches.Select(l => l.P50Us).Order().ElementAt(1), r.LatencyUs.P50);
        Assert.True(File.Exists(baselinePath));

        var gated = plan with { SaveBaseline = null, Baseline = ResultsJson.Read(baselinePath), BaselineName = baselinePath };
        var (gateCode, _) = await harness.RunAsync(gated);

        Assert.Contains(gateCode, new[] { ExitCodes.Ok, ExitCodes.Regression, ExitCodes.Inconclusive });
        Assert.True(File.Exists(Path.Combine(harness.Directory, "compare.md")));
        Assert.Contains(
            "classname=\"bench.rtt.websocket\" name=\"latency.p50\"",
            await File.ReadAllTextAsync(Path.Combine(harness.Directory, "compare.junit.xml")),
            StringComparison.Ordinal);
        Assert.Empty(TargetProcesses.Children());
    }
}
