using Bench.Harness.Interleaved;
using Bench.Harness.Plan;
using Bench.Reports.Histograms;
using Bench.Reports.Markdown;
using Bench.Reports.Model;
using HdrHistogram;

namespace Bench.Scenarios.Tests.Interleaved;

/// <summary>The interleaved comparison of transports: its order of blocks, and why a disturbance cannot decide it.</summary>
public sealed class TransportComparisonTests
{
    [Theory]
    [InlineData(4, 10)]
    [InlineData(3, 5)]
    [InlineData(2, 7)]
    public void Each_round_runs_every_transport_once_in_a_seeded_order_balanced_over_places(int sides, int rounds)
    {
        var orders = Interleaving.RoundOrders(sides, rounds, seed: 11);

        Assert.Equal(rounds, orders.Count);
        Assert.All(orders, o => Assert.Equal(Enumerable.Range(0, sides), o.Order()));
        Assert.Equal(
            orders.Select(o => string.Join(",", o)), Interleaving.RoundOrders(sides, rounds, seed: 11).Select(o => string.Join(",", o)));
        Assert.NotEqual(
            orders.Select(o => string.Join(",", o)), Interleaving.RoundOrders(sides, rounds, seed: 12).Select(o => string.Join(",", o)));
        for (var side = 0; side < sides; side++)
        {
            // How often this transport ran first, second, …: equal, or within one when the rounds are not a whole number of groups.
            var places = Enumerable.Range(0, sides).Select(place => orders.Count(o => o[place] == side)).ToList();
            Assert.True(places.Max() - places.Min() <= 1, $"side {side}: {string.Join(",", places)}");
        }
    }

    private static readonly ScenarioSettings Push = new()
    {
        RatePerSec = 100,
        Subscribers = 5,
        PayloadBytes = 256,
        Connections = 5,
        Duration = TimeSpan.FromSeconds(10),
        Warmup = TimeSpan.Zero,
    };

    /// <summary>
    /// A disturbance of the machine — 9 s in which everything runs 1.6 times slower — meets two transports, websocket
    /// truly 1.0 ms and webhook truly 1.2 ms at p50. Run one after another, the disturbance falls on websocket alone and
    /// the comparison flips; interleaved (the real round order, the real bootstrap and verdict), it falls on both.
    /// </summary>
    [Fact]
    public void A_disturbance_that_flips_the_sequential_comparison_leaves_the_interleaved_verdict_unchanged()
    {
        var truth = new Dictionary<string, double> { ["websocket"] = 1000, ["webhook"] = 1200 };
        static double Disturbance(int second) => second is >= 1 and < 10 ? 1.6 : 1;

        var quietInterleaved = Decide(InterleavedRun(truth, _ => 1));
        var disturbedInterleaved = Decide(InterleavedRun(truth, Disturbance));
        var quietSequential = Decide(SequentialRun(truth, _ => 1));
        var disturbedSequential = Decide(SequentialRun(truth, Disturbance));

        Assert.Equal(("websocket", true), quietSequential);
        Assert.Equal(("websocket", true), quietInterleaved);
        Assert.Equal(("webhook", true), disturbedSequential);
        Assert.Equal(quietInterleaved, disturbedInterleaved);
    }

    private static (string Best, bool Clear) Decide(RunResults run)
    {
        var p50 = MarkdownReport.Decisions(run).Single(o => o.Scenario == "push" && o.Metric == "p50 latency");
        return (p50.Best, p50.Clear);
    }

    private static LongHistogram Block(Random random, double centre, double slowdown)
    {
        var h = new LongHistogram(1, 3_600_000_000, 3);
        for (var i = 0; i < 500; i++)
        {
            h.RecordValue((long)(centre * (0.9 + (0.2 * random.NextDouble())) * slowdown));
        }

        return h;
    }

    /// <summary>
    /// Two target launches of 5 rounds, blocks of 1 s in the real
    /// seeded order; the disturbance by the second of the whole run.
    /// </summary>
    private static RunResults InterleavedRun(Dictionary<string, double> truth, Func<int, double> disturbance)
    {
        var transports = truth.Keys.ToList();
        var info = new InterleavedInfo(2, 5, 1, 0, 0, 1, transports);
        var random = new Random(3);
        var blocks = transports.ToDictionary(t => t, _ => new List<BlockFigures>());
        var all = transports.ToDictionary(t => t, _ => new LongHistogram(1, 3_600_000_000, 3));
        var second = 0;
        for (var launch = 1; launch <= 2; launch++)
        {
            var orders = Interleaving.RoundOrders(transports.Count, 5, 1000 * launch);
            for (var round = 1; round <= 5; round++)
            {
                foreach (var index in orders[round - 1])
                {
                    var t = transports[index];
                    var h = Block(random, truth[t], disturbance(second++));
                    all[t].Add(h);
                    blocks[t].Add(new BlockFigures(
                        launch, round, second, BlockFigures.Full,
                        HistogramCodec.ValueAtPercentile(h, 50),
                        HistogramCodec.ValueAtPercentile(h, 90),
                        HistogramCodec.ValueAtPercentile(h, 99),
                        500, 500, 0, 0, 0, 1000, 1, true, HistogramCodec.Encode(h)));
                }
            }
        }

        return Run([.. transports.Select(
            t => ComparisonResults.Build("push", "push", t, Push, info, blocks[t], all[t], new GeneratorStats(0, 0, 0), 50))]);
    }

    /// <summary>
    /// Each transport measured for 10 s after the other, websocket first;
    /// the intervals from its seconds, as a sequential run has them.
    /// </summary>
    private static RunResults SequentialRun(Dictionary<string, double> truth, Func<int, double> disturbance)
    {
        var random = new Random(3);
        var second = 0;
        var results = new List<ScenarioResult>();
        foreach (var (t, centre) in truth)
        {
            var all = new LongHistogram(1, 3_600_000_000, 3);
            var seconds = new List<SecondLatency>();
            for (var s = 0; s < 10; s++)
            {
                // Two blocks' worth of deliveries a second, as the interleaved run spends two blocks per round.
                var h = Block(random, centre, disturbance(second));
                h.Add(Block(random, centre, disturbance(second++)));
                all.Add(h);
                seconds.Add(new SecondLatency(
                    s,
                    h.TotalCount,
                    HistogramCodec.ValueAtPercentile(h, 50),
                    HistogramCodec.ValueAtPercentile(h, 99),
                    HistogramCodec.Encode(h)));
            }

            results.Add(new ScenarioResult
            {
                Scenario = "push",
                Transport = t,
                Parameters = new ScenarioParameters(100, 5, 256, 10, 0, 5),
                LatencyUs = HistogramCodec.Summarize(all),
                Throughput = new ThroughputSummary(100, 100, 500),
                Counts = new DeliveryCounts(5000, 5000, 0, 0, 0, 0),
                Generator = new GeneratorStats(0, 0, 0),
                Target = new TargetStats(1, 50, 5),
                LatencyBySecond = seconds,
            });
        }

        return Run(results);
    }

    private static RunResults Run(List<ScenarioResult> results) => new()
    {
        RunId = "test",
        StartedAt = DateTimeOffset.UnixEpoch,
        Profile = "quick",
        Status = "complete",
        Environment = new EnvironmentInfo("Linux", "cpu", 2, 1, ".NET", "gc", null, "bench run"),
        Results = results,
    };
}
