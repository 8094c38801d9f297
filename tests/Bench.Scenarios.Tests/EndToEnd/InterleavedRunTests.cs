using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>A comparison run interleaved end to end: real targets side by side, blocks in rounds, on two target launches.</summary>
public sealed class InterleavedRunTests
{
    [Fact]
    public async Task Push_over_two_transports_runs_interleaved_blocks_on_two_target_launches_and_accounts_for_every_event()
    {
        using var harness = new RunHarness();
        var plan = harness.Plan("push", p => p with
        {
            Sequential = false,
            RatePerSec = 50,
            Subscribers = 3,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(2),
            CostProbe = TimeSpan.FromSeconds(1),
        });

        var (code, results) = await harness.RunAsync(plan);

        Assert.Equal(0, code);
        Assert.Equal(["websocket", "webhook"], results.Results.Select(r => r.Transport));
        foreach (var r in results.Results)
        {
            var info = r.Interleaved!;
            Assert.Equal((2, 2), (info.TargetLaunches, info.RoundsPerLaunch));
            Assert.Equal(["websocket", "webhook"], info.Transports);
            // One full-rate and one half-rate block per round and launch, each (launch, round) once.
            Assert.Equal(8, r.Blocks.Count);
            Assert.All(
                r.Blocks.GroupBy(b => (b.Launch, b.Round)),
                g => Assert.Equal([BlockFigures.Full, BlockFigures.Half], g.Select(b => b.Load).Order()));
            // Every arrival in a block is one of the block's own deliveries, or a duplicate of one (webhooks are at least once).
            Assert.All(r.Blocks, b => Assert.Equal((b.Sent, 0L, 0L), (b.Delivered - b.Duplicated, b.Lost, b.Errors)));
            Assert.Equal(r.Blocks.Sum(b => b.Delivered), r.Counts.Delivered);
            Assert.Equal(r.Counts.Sent, r.Counts.Delivered - r.Counts.Duplicated);
        }

        // The two transports' blocks alternate: every round holds one block of each, in the same launch.
        var positions = results.Results
            .SelectMany(r => r.Blocks.Where(b => b.Load == BlockFigures.Full).Select(b => (b.Launch, b.Round, r.Transport)))
            .ToList();
        Assert.All(positions.GroupBy(p => (p.Launch, p.Round)), g => Assert.Equal(2, g.Select(p => p.Transport).Distinct().Count()));

        var report = await File.ReadAllTextAsync(Path.Combine(harness.Directory, "report.md"));
        Assert.Contains("**Method.** The transports were measured interleaved", report, StringComparison.Ordinal);
        Assert.Contains("intervals resample 2 target launch(es), then 2 interleaved rounds within each", report, StringComparison.Ordinal);
    }
}
