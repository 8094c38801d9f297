using Bench.Reports.Model;
using Bench.Reports.Sizing;
using Bench.Reports.Stats;

namespace Bench.Reports.Tests.Sizing;

/// <summary>The sizing arithmetic on a scripted results file whose marginal costs are known exactly.</summary>
public sealed class SizingModelTests
{
    /// <summary>
    /// Push at 100/s × 50 subscribers: 200 ms of target CPU a second at 5,000 deliveries/s in the measured window, 100 ms
    /// at 2,500/s in the cost probe after it, so the marginal cost is exactly 40 µs per delivery (every second alike, so
    /// the interval is [40, 40]).
    /// </summary>
    private static ScenarioResult Push(string transport, string guarantee, long p50Us) => Fixtures.Result("push", transport, p50Us) with
    {
        Parameters = new ScenarioParameters(100, 50, 256, 10, 3, 50),
        Throughput = new ThroughputSummary(100, 100, 5000),
        LatencyUs = Fixtures.Result("push", transport, p50Us).LatencyUs with { P50 = p50Us },
        Timeline =
        [
            .. Enumerable.Range(0, 18)
                .Select(s => new TimelineEntry(s, 0, s < 13 ? 5000 : 2500, 0, 0, 0, s < 3 ? 900 : s < 13 ? 200 : 100)),
        ],
        CostProbe = new CostProbe(50, 13, 18),
        Guarantee = guarantee,
    };

    private static ScenarioResult Connections(string transport, string noun) => Fixtures.Result("connections", transport, 100) with
    {
        Connections = new ConnectionsSummary(
            1000, 0, null, null, 0, 1, 3, 5.0, 0,
            [new MemoryPoint(1000, 100, 10, 20, 2)],
            [new FanOutPoint(1000, 5, 1000, 2000, 3000, 0)],
            noun),
    };

    private static ScenarioResult Overhead(string transport) => Fixtures.Result("overhead", transport, 100) with
    {
        Wire = new WireSummary(1024, 1095, 1000, 1099, 1, 10, 400, 1100, 40, 50, "sockets"),
    };

    private static RunResults Run() => Fixtures.Run() with
    {
        Results =
        [
            Push("websocket", "in-memory, best effort: lost with the process", 1500),
            Connections("websocket", "connection"),
            Overhead("websocket"),
            Push("webhook", "durable, at least once: SQLite outbox", 2000),
            Connections("webhook", "registered endpoint"),
        ],
    };

    [Fact]
    public void The_marginal_cost_is_the_slope_between_the_two_loads()
    {
        var cost = MarginalCost.Of(Run().Results[0])!;

        Assert.Equal(40, cost.CpuUsPerDelivery, 6);
        Assert.Equal((40.0, 40.0), (cost.Low!.Value, cost.High!.Value));

        // 200 ms a second at 5,000/s, of which 5,000 × 40 µs = 200 ms are deliveries: nothing fixed.
        Assert.Equal(0, cost.FixedCorePercent, 6);
        Assert.Equal((4, 5), (cost.LowSeconds, cost.HighSeconds));
    }

    [Fact]
    public void Sizing_multiplies_the_measured_marginal_costs_out_to_the_workload()
    {
        var sizings = SizingModel.Size(Run(), new Workload(5000, 20000, 2048, RttMs: 80));

        var ws = Assert.Single(sizings, s => s.Transport == "websocket");

        // 10⁸ deliveries/s × 40 µs = 4,000 cores, + idle: 5 % of 2 cores for 1,000 held = 10⁻⁴ cores each × 20,000 = 2.
        Assert.Equal(4002, ws.Cores!.Value, 6);
        Assert.Equal((4002.0, 4002.0), (ws.Cores.Low!.Value, ws.Cores.High!.Value));

        // 20 KiB per subscriber × 20,000.
        Assert.Equal(20.0 * 20000 / 1024, ws.MemoryMiB!.Value, 6);

        // 1,100 B per delivery at 1,024 B payload is 76 B of envelope: 2,124 B at 2,048 B, × 10⁸/s × 8 bits.
        Assert.Equal(1e8 * 2124 * 8 / 1e6, ws.BandwidthMbps!.Value, 3);
        Assert.Equal(20000, ws.Connections.Value);

        // Webhooks: 5,000 requests/s to each endpoint × (80 ms + 2 ms) = 410 in flight per endpoint.
        var wh = Assert.Single(sizings, s => s.Transport == "webhook");
        Assert.Equal(20000 * 410, wh.Connections.Value);
        Assert.Null(wh.BandwidthMbps);
    }

    [Fact]
    public void Sizing_warns_where_it_extrapolates_more_than_ten_times_and_not_within()
    {
        var far = SizingModel.Size(Run(), new Workload(5000, 20000, 2048)).Single(s => s.Transport == "websocket");
        Assert.Contains(
            far.Warnings,
            w => w.Text.Contains("deliveries a second", StringComparison.Ordinal) && w.Text.Contains("20,000×", StringComparison.Ordinal));
        Assert.Contains(
            far.Warnings,
            w => w.Text.Contains("subscribers", StringComparison.Ordinal) && w.Text.Contains("20×", StringComparison.Ordinal));
        Assert.DoesNotContain(far.Warnings, w => w.Text.Contains("payload", StringComparison.Ordinal));

        var near = SizingModel.Size(Run(), new Workload(100, 400, 1024)).Single(s => s.Transport == "websocket");
        Assert.Empty(near.Warnings);
    }

    [Fact]
    public void A_transport_without_the_guarantee_asked_for_is_flagged()
    {
        var sizings = SizingModel.Size(Run(), new Workload(100, 50, 256, Guarantee: "durable"));

        Assert.False(sizings.Single(s => s.Transport == "websocket").MeetsGuarantee);
        Assert.True(sizings.Single(s => s.Transport == "webhook").MeetsGuarantee);
        Assert.Contains(
            sizings.Single(s => s.Transport == "websocket").Warnings,
            w => w.Text.StartsWith("does not give the durable guarantee", StringComparison.Ordinal));
    }
}
