using Bench.Harness;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.Cli;

/// <summary><c>bench size</c> on a scripted results file: one table per transport, and the extrapolation warning.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SizeCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-size-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Push at 5,000 deliveries/s with 200 ms of target CPU a second, 2,500/s with 100 ms in the probe: 40 µs each.</summary>
    private static ScenarioResult Push(string transport) => new()
    {
        Scenario = "push",
        Transport = transport,
        Parameters = new ScenarioParameters(100, 50, 256, 10, 3, 50),
        LatencyUs = new LatencySummary(50000, 100, 2000, 2000, 3000, 5000, 8000, 9000, ""),
        Throughput = new ThroughputSummary(100, 100, 5000),
        Counts = new DeliveryCounts(1000, 50000, 0, 0, 0, 0),
        Generator = new GeneratorStats(0, 0, 1),
        Target = new TargetStats(2, 100, 10),
        Timeline = [.. Enumerable.Range(0, 18).Select(s => new TimelineEntry(s, 0, s < 13 ? 5000 : 2500, 0, 0, 0, s < 13 ? 200 : 100))],
        CostProbe = new CostProbe(50, 13, 18),
        Guarantee = "in-memory, best effort: test",
    };

    [Fact]
    public async Task Size_prints_a_table_per_transport_and_warns_where_it_extrapolates()
    {
        var run = new RunResults
        {
            RunId = "20261202-000000",
            StartedAt = DateTimeOffset.UnixEpoch,
            Profile = "quick",
            Status = "complete",
            Environment = new EnvironmentInfo("Linux", "cpu", 2, 1, ".NET", "gc", null, "bench run"),
            Results = [Push("websocket"), Push("sse")],
        };
        ResultsJson.Write(run, Path.Combine(dir, "results.json"));

        var (code, stderr, stdout) = await ConsoleCapture.RunWithOutputAsync(
            ["size", "--results", dir, "--rate", "5000", "--subscribers", "20000", "--payload", "2048"]);

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("## Sizing: 5,000 events/s to 20,000 subscribers, 2,048 B payload", stdout, StringComparison.Ordinal);
        Assert.Contains("### websocket — in-memory, best effort", stdout, StringComparison.Ordinal);
        Assert.Contains("### sse — in-memory, best effort", stdout, StringComparison.Ordinal);

        // 10⁸ deliveries/s × 40 µs = 4,000 cores, the interval [40, 40] µs alike.
        Assert.Contains("| cores | 4,000.00 | 4,000.00 – 4,000.00 |", stdout, StringComparison.Ordinal);
        Assert.Contains("| memory | not measured |", stdout, StringComparison.Ordinal);
        Assert.Contains("| connections | 20,000 |", stdout, StringComparison.Ordinal);
        Assert.Contains("⚠ extrapolated 20,000× beyond what was measured in deliveries a second", stdout, StringComparison.Ordinal);
    }
}
