using Bench.Harness;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.Cli;

/// <summary><c>bench trend</c> over stored runs: their order, their labels, and the runs their gate flagged.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TrendCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-trend-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, RunResults run)
    {
        var folder = Path.Combine(dir, name);
        Directory.CreateDirectory(folder);
        ResultsJson.Write(run, Path.Combine(folder, "results.json"));
        return folder;
    }

    private static RunResults Run(int hour, string? commit, params long[] p50s) => new()
    {
        RunId = $"20261201-{hour:00}0000",
        StartedAt = new DateTimeOffset(2026, 12, 1, hour, 0, 0, TimeSpan.Zero),
        Profile = "ci",
        Status = "complete",
        Environment = new EnvironmentInfo("Linux", "cpu", 2, 1, ".NET", "gc", commit, "bench run"),
        Results =
        [
            new ScenarioResult
            {
                Scenario = "rtt",
                Transport = "websocket",
                Parameters = new ScenarioParameters(500, 1, 256, 5, 2, 8),
                LatencyUs = new LatencySummary(100, 1, 1, p50s[0], 1, p50s[0] * 4, 1, 1, ""),
                Throughput = new ThroughputSummary(500, 500, 500),
                Counts = new DeliveryCounts(2500, 2500, 0, 0, 0, 0),
                Generator = new GeneratorStats(0, 0, 1),
                Target = new TargetStats(0.3, 50, 3),
                Launches = [.. p50s.Select(p => new LaunchFigures(p, p * 4, 500, 120, 2500, 2500, 0, 0, 0))],
            },
        ],
    };

    [Fact]
    public async Task Five_runs_given_out_of_order_are_charted_oldest_first_labelled_by_commit_with_the_gated_regression_marked()
    {
        // A slow drift, one step a day under the 10 % threshold, then a step the gate catches.
        var runs = new[]
        {
            Write("d", Run(13, "ddd4444", 360, 362, 358, 361, 359)),
            Write("a", Run(10, "aaa1111", 300, 302, 298, 301, 299)),
            Write("c", Run(12, "ccc3333", 330, 333, 328, 331, 329)),
            Write("b", Run(11, null, 315, 317, 313, 316, 314)),
            Write("e", Run(14, "eee5555", 500, 505, 495, 502, 498)),
        };
        var (gated, _, _) = await ConsoleCapture.RunWithOutputAsync(["compare", runs[0], runs[4]]);
        Assert.Equal(ExitCodes.Regression, gated);

        var output = Path.Combine(dir, "trend");
        var (code, stderr, stdout) = await ConsoleCapture.RunWithOutputAsync(["trend", .. runs, "--out", output]);

        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("5 runs, 2026-12-01 10:00 to 2026-12-01 14:00", stdout, StringComparison.Ordinal);
        var md = await File.ReadAllTextAsync(Path.Combine(output, "trend.md"));
        var p50 = md[md.IndexOf("## latency.p50", StringComparison.Ordinal)..];
        var rows = p50.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && char.IsDigit(l[2])).Take(5).ToList();
        Assert.Equal(
            [
                "| 1 | aaa1111 | 0.300 ms |", "| 2 | 20261201-110000 | 0.315 ms |", "| 3 | ccc3333 | 0.330 ms |",
                "| 4 | ddd4444 | 0.360 ms |", "| 5 | eee5555 | 0.500 ms ⚑ |",
            ],
            rows);
        Assert.Contains("| 5 | " + runs[4] + " | 2026-12-01 14:00:00 | eee5555 | flagged", md, StringComparison.Ordinal);
        Assert.Contains("| 1 | " + runs[1] + " | 2026-12-01 10:00:00 | aaa1111 | not gated |", md, StringComparison.Ordinal);
        var png = await File.ReadAllBytesAsync(Path.Combine(output, "trend.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public async Task A_missing_input_exits_2_naming_it()
    {
        var (code, stderr, _) = await ConsoleCapture.RunWithOutputAsync(["trend", Path.Combine(dir, "nothing-here")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("nothing-here", stderr, StringComparison.Ordinal);
    }
}
