using Bench.Harness.Interleaved;
using Bench.Reports.Gate;
using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.Interleaved;

/// <summary>The interleaved A/B job's order, its pairing of blocks, and why it beats whole-launch pairing under drift.</summary>
public sealed class InterleavingTests
{
    [Fact]
    public void Each_pair_holds_one_block_of_each_side_in_a_seeded_random_order_balanced_between_base_first_and_head_first()
    {
        var first = Interleaving.FirstSides(20, seed: 7);
        Assert.Equal(20, first.Count);
        Assert.Equal(10, first.Count(s => s == 0));
        Assert.Equal(first, Interleaving.FirstSides(20, seed: 7));
        Assert.NotEqual(first, Interleaving.FirstSides(20, seed: 8));
        // Not simply alternating: a machine rhythm of two blocks cannot line up with one side.
        Assert.NotEqual([.. Enumerable.Range(0, 20).Select(i => i % 2)], first);

        var schedule = Interleaving.Schedule(first);
        Assert.Equal([.. Enumerable.Range(1, 40)], schedule.Select(b => b.Position));
        foreach (var pair in schedule.GroupBy(b => b.Pair))
        {
            var blocks = pair.ToList();
            Assert.Equal([0, 1], blocks.Select(b => b.Side).Order());
            Assert.Equal(1, blocks[1].Position - blocks[0].Position);
            Assert.Equal(first[pair.Key], blocks[0].Side);
        }
    }

    [Fact]
    public void Blocks_pair_by_their_pair_number_whatever_order_they_come_in_and_a_pair_missing_a_side_is_left_out()
    {
        var blocks = new[]
        {
            Block(side: 1, pair: 0, position: 1, p50: 110),
            Block(side: 0, pair: 1, position: 3, p50: 200),
            Block(side: 0, pair: 0, position: 2, p50: 100),
            Block(side: 1, pair: 1, position: 4, p50: 220),
            Block(side: 0, pair: 2, position: 5, p50: 300), // the job stopped before its head block
        };

        var pairs = Interleaving.Pairs(blocks);

        Assert.Equal([(100L, 110L), (200L, 220L)], pairs.Select(p => (p.Base.P50Us, p.Head.P50Us)));
        var baseLaunches = Interleaving.Launches(pairs, 0);
        var headLaunches = Interleaving.Launches(pairs, 1);
        Assert.Equal([2, 3], baseLaunches.Select(l => l.Position!.Value));
        Assert.Equal([1, 4], headLaunches.Select(l => l.Position!.Value));
        Assert.True(GateComparer.Paired(Case(baseLaunches), Case(headLaunches)), "the gate must see block i of each side as a pair");

        Assert.Throws<InvalidOperationException>(() => Interleaving.Pairs([Block(0, 0, 1, 1), Block(0, 0, 2, 1)]));
    }

    /// <summary>
    /// A machine whose speed steps every 7 s (by up to ±30 %), as launch-to-launch noise does here, and a head 20 %
    /// slower. Whole launches of 7 s, ABBA, each fall on a different step: the pair ratios scatter as widely as the
    /// steps and the gate cannot call it. One-second blocks in randomized pairs share their step: the ratios sit at
    /// 1.2 and the gate calls it slower; with no slowdown it calls the same drift "same".
    /// </summary>
    [Fact]
    public void A_scripted_drift_defeats_whole_launch_pairing_but_not_interleaving()
    {
        var random = new Random(3);
        var steps = Enumerable.Range(0, 200).Select(_ => 0.7 + (0.6 * random.NextDouble())).ToArray();
        double Speed(double t) => steps[(int)(t / 7.0)] * (1 + (0.02 * (random.NextDouble() - 0.5)));
        var metric = new GateMetric("latency.p50", "µs", "lower", 0.10);
        var gate = GateFile.Interleaved;

        GateRow WholeLaunches(double slowdown)
        {
            // 6 pairs, ABBA, each launch 7 s and on its own step of the machine.
            var (b, h) = (new List<double>(), new List<double>());
            for (var pair = 0; pair < 6; pair++)
            {
                var headFirst = pair % 2 == 1;
                var t = pair * 14.0;
                var (first, second) = (Speed(t + 3.5), Speed(t + 10.5));
                b.Add(1000 * (headFirst ? second : first));
                h.Add(1000 * slowdown * (headFirst ? first : second));
            }

            return GateComparer.DecidePaired("push/x", metric, b, h, gate);
        }

        GateRow Interleaved(double slowdown)
        {
            var schedule = Interleaving.Schedule(Interleaving.FirstSides(20, seed: 5));
            var blocks = schedule.Select(
                s => Block(s.Side, s.Pair, s.Position, (long)(1000 * Speed(s.Position - 0.5) * (s.Side == 1 ? slowdown : 1))));
            var pairs = Interleaving.Pairs([.. blocks]);
            return GateComparer.DecidePaired(
                "push/x", metric, [.. pairs.Select(p => (double)p.Base.P50Us)], [.. pairs.Select(p => (double)p.Head.P50Us)], gate);
        }

        Assert.NotEqual(Verdicts.Slower, WholeLaunches(1.2).Verdict);
        Assert.Equal(Verdicts.Slower, Interleaved(1.2).Verdict);
        Assert.Equal(Verdicts.Same, Interleaved(1.0).Verdict);
    }

    private static BlockResult Block(int side, int pair, int position, long p50) =>
        new(side, pair, position, p50, p50 * 2, p50 * 3, 100, 100, 0, 1000, 1);

    private static ScenarioResult Case(IReadOnlyList<LaunchFigures> launches) => new()
    {
        Scenario = "push",
        Transport = "websocket",
        Parameters = new ScenarioParameters(100, 10, 256, 1, 0, 10),
        LatencyUs = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0, ""),
        Throughput = new ThroughputSummary(0, 0, 0),
        Counts = new DeliveryCounts(0, 0, 0, 0, 0, 0),
        Generator = new GeneratorStats(0, 0, 0),
        Target = new TargetStats(0, 0, 0),
        Launches = [.. launches],
    };
}
