using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Stats;
using HdrHistogram;

namespace Bench.Reports.Tests.Stats;

/// <summary>The two-level bootstrap of interleaved comparisons, on scripted blocks.</summary>
public sealed class HierarchicalBootstrapTests
{
    private static readonly InterleavedInfo TwoLaunchesOfFive = new(2, 5, 1, 0, 1, 1, ["websocket", "webhook"]);

    /// <summary>A transport's result whose block in (launch, round) centres on <paramref name="centre"/>(launch, round) µs.</summary>
    private static ScenarioResult Interleaved(string transport, InterleavedInfo info, Func<int, int, double> centre)
    {
        var random = new Random(transport.Length);
        var blocks = new List<BlockFigures>();
        var all = new LongHistogram(1, 3_600_000_000, 3);
        for (var launch = 1; launch <= info.TargetLaunches; launch++)
        {
            for (var round = 1; round <= info.RoundsPerLaunch; round++)
            {
                var h = new LongHistogram(1, 3_600_000_000, 3);
                for (var i = 0; i < 400; i++)
                {
                    h.RecordValue((long)(centre(launch, round) * (0.95 + (0.1 * random.NextDouble()))));
                }

                all.Add(h);
                blocks.Add(new BlockFigures(launch, round, blocks.Count + 1, BlockFigures.Full, HistogramCodec.ValueAtPercentile(h, 50),
                    HistogramCodec.ValueAtPercentile(h, 90), HistogramCodec.ValueAtPercentile(h, 99), 400, 400, 0, 0, 0, 1000, 1, true,
                    HistogramCodec.Encode(h)));
            }
        }

        return Fixtures.Result("push", transport, 1000) with
        {
            Interleaved = info,
            Blocks = blocks,
            LatencyUs = HistogramCodec.Summarize(all),
            LatencyBySecond = [],
        };
    }

    private static (double Low, double High) RatioInterval(ScenarioResult worse, ScenarioResult better, double percentile) =>
        BlockBootstrap.Interval(BlockBootstrap.Ratio(
            BlockBootstrap.Percentile(worse, percentile, "ignored")!,
            BlockBootstrap.Percentile(better, percentile, "ignored")!));

    [Fact]
    public void A_shift_between_target_launches_of_one_transport_widens_the_interval_to_cover_both_launches()
    {
        // websocket's second launch landed 50 % slower; webhook's did not. Within each launch the rounds are steady.
        var websocket = Interleaved("websocket", TwoLaunchesOfFive, (launch, _) => launch == 1 ? 1000 : 1500);
        var webhook = Interleaved("webhook", TwoLaunchesOfFive, (_, _) => 1200);

        var (low, high) = RatioInterval(webhook, websocket, 50);

        // Launch 1 alone says webhook is 1.2× slower, launch 2 alone 0.8×: the interval must hold both.
        Assert.True(low <= 0.85, $"low {low}");
        Assert.True(high >= 1.15, $"high {high}");
    }

    [Fact]
    public void Noise_common_to_a_round_cancels_in_the_ratio_because_every_transport_draws_the_same_rounds()
    {
        // Each round the machine is slower or faster for both transports alike (1× to 3×); webhook is truly 1.1× slower.
        static double Machine(int launch, int round) => 1 + ((launch * 7 + round * 3) % 5 / 2.0);
        var websocket = Interleaved("websocket", TwoLaunchesOfFive, (l, r) => 1000 * Machine(l, r));
        var webhook = Interleaved("webhook", TwoLaunchesOfFive, (l, r) => 1100 * Machine(l, r));

        var (low, high) = RatioInterval(webhook, websocket, 50);

        Assert.True(low > 1.05 && high < 1.16, $"[{low}, {high}]");
    }

    [Fact]
    public void The_draws_are_seeded_by_the_comparison_not_the_transport()
    {
        var a = HierarchicalBootstrap.Draws(TwoLaunchesOfFive, "push/default/256/p50");
        var b = HierarchicalBootstrap.Draws(TwoLaunchesOfFive, "push/default/256/p50");
        var c = HierarchicalBootstrap.Draws(TwoLaunchesOfFive, "push/default/256/p99");

        Assert.Equal(a.Select(d => string.Join(",", d)), b.Select(d => string.Join(",", d)));
        Assert.NotEqual(a.Select(d => string.Join(",", d)), c.Select(d => string.Join(",", d)));
        // Each replicate holds launches × rounds blocks, every round drawn from a launch drawn first.
        Assert.All(a, d => Assert.Equal(10, d.Length));
        Assert.All(a, d => Assert.True(d.Take(5).Select(x => x.Launch).Distinct().Count() == 1));
        Assert.Equal(
            HierarchicalBootstrap.SeedName(Interleaved("websocket", TwoLaunchesOfFive, (_, _) => 1), "p50"),
            HierarchicalBootstrap.SeedName(Interleaved("webhook", TwoLaunchesOfFive, (_, _) => 1), "p50"));
    }

    [Fact]
    public void The_marginal_cost_is_the_slope_between_full_and_half_rate_blocks()
    {
        // 10 µs per delivery on top of 2,000 µs a second of fixed work: full blocks 5,000 deliveries, half 2,500.
        var blocks = new List<BlockFigures>();
        for (var round = 1; round <= 5; round++)
        {
            blocks.Add(new BlockFigures(
                1, round, 2 * round, BlockFigures.Full, 1, 1, 1, 5000, 5000, 0, 0, 0, 2000 + (10 * 5000), 1, true, null));
            blocks.Add(new BlockFigures(
                1, round, (2 * round) + 1, BlockFigures.Half, 1, 1, 1, 1250, 1250, 0, 0, 0, 0.5 * (2000 + (10 * 2500)), 0.5, true, null));
        }

        Assert.Equal(10, HierarchicalBootstrap.Slope(blocks), 6);
        var r = Fixtures.Result("push", "websocket", 1000) with { Interleaved = new(1, 5, 1, 0.5, 1, 1, ["websocket"]), Blocks = blocks };
        var cost = MarginalCost.Of(r)!;
        Assert.Equal(10, cost.CpuUsPerDelivery, 2);
        Assert.Equal(0.2, cost.FixedCorePercent, 2);
    }
}
