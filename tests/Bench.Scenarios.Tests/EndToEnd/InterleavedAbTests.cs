using Bench.Harness;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Scenarios.Tests.Cli;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// <c>bench ab</c> in its interleaved mode over real target processes: both builds' hubs run at once, blocks alternate
/// between them, and a head slowed by 300 µs per echo (several times the hub's own cost) is called a regression. Not
/// 1 ms: that is a whole core at push's 1,000 deliveries a second, and a head that saturated on a busy 2-core machine
/// dropped events (28–30 lost) as an overloaded hub does, which failed the exact-accounting check below.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class InterleavedAbTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-ab-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_head_slowed_by_300us_per_echo_exits_1_with_every_block_paired_and_no_target_left_running()
    {
        var build = AppContext.BaseDirectory;
        var output = Path.Combine(dir, "ab");

        var (code, stderr, stdout) = await ConsoleCapture.RunWithOutputAsync(
            [
                "ab", "--base", build, "--head", build, "--head-env", "BENCH_INJECT_DELAY=300us", "--transport", "websocket",
                "--pairs", "6",
                "--block", "300ms", "--out", output,
            ]);

        Assert.True(code == ExitCodes.Regression, stderr + stdout);
        Assert.Contains("rtt/websocket | target.cpuUsPerEvent", stdout, StringComparison.Ordinal);
        var (baseRun, headRun) = (
            ResultsJson.Read(Path.Combine(output, "base", "results.json")),
            ResultsJson.Read(Path.Combine(output, "head", "results.json")));
        Assert.Equal(["rtt/websocket", "push/websocket"], baseRun.Results.Select(GateComparer.CaseKey));
        foreach (var (b, h) in baseRun.Results.Zip(headRun.Results))
        {
            Assert.Equal(6, b.Launches.Count);
            Assert.True(GateComparer.Paired(b, h));
            Assert.Equal([.. Enumerable.Range(1, 12)], b.Launches.Concat(h.Launches).Select(l => l.Position!.Value).Order());
            Assert.All(b.Launches.Concat(h.Launches), l => Assert.True(l.Delivered > 0 && l.TargetCpuUsPerEvent > 0 && l.P90Us >= l.P50Us));
            Assert.Equal((0L, 0L), (h.Counts.Lost, h.Counts.Duplicated));
        }

        // The injected delay slows only the head's target: its CPU per echo is at least 150 µs more (the burn spins for
        // 300 µs of wall time, of which a busy machine gives it less CPU: 229 µs measured once).
        var cpu = (
            Base: GateComparer.Values(baseRun.Results[0], "target.cpuUsPerEvent").Order().ElementAt(3),
            Head: GateComparer.Values(headRun.Results[0], "target.cpuUsPerEvent").Order().ElementAt(3));
        Assert.True(cpu.Head - cpu.Base > 150, $"base {cpu.Base} µs, head {cpu.Head} µs per echo");
        Assert.Empty(TargetProcesses.Children());
    }
}
