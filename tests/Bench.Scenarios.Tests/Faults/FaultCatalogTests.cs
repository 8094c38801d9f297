using Bench.Harness.Scenarios.Faults.Catalog;
using Bench.Harness.Transports;

namespace Bench.Scenarios.Tests.Faults;

/// <summary>The catalogue of faults: what can be named, what runs when none is, and what transports make of each.</summary>
public sealed class FaultCatalogTests
{
    [Fact]
    public void Every_fault_is_in_the_catalogue_once_in_the_order_bench_list_shows() =>
        Assert.Equal(["drop", "restart", "outage", "blackhole", "slow", "overload", "storm"], FaultCatalog.All.Select(f => f.Name));

    [Fact]
    public void Every_fault_is_a_type_of_its_own() =>
        Assert.Equal(FaultCatalog.All.Count, FaultCatalog.All.Select(f => f.GetType()).Distinct().Count());

    [Fact]
    public void The_faults_run_when_none_is_named_are_all_but_the_storm() =>
        Assert.Equal(["drop", "restart", "outage", "blackhole", "slow", "overload"], FaultCatalog.Defaults.Select(f => f.Name));

    [Theory]
    [InlineData("storm", "storm")]
    [InlineData("Storm", "storm")]
    [InlineData("BLACKHOLE", "blackhole")]
    [InlineData("drop", "drop")]
    public void Find_ignores_case(string asked, string found) => Assert.Equal(found, FaultCatalog.Find(asked)?.Name);

    [Theory]
    [InlineData("hurricane")]
    [InlineData("")]
    [InlineData("drop ")]
    public void Find_knows_no_other_name(string asked) => Assert.Null(FaultCatalog.Find(asked));

    [Fact]
    public void Only_the_storm_brings_its_own_subscribers_rate_keep_alive_and_aftermath()
    {
        var storm = FaultCatalog.Find("storm")!;
        Assert.Equal((5_000, 1.0, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15)),
            (storm.Subscribers, storm.RatePerSec, storm.KeepAlive, storm.AftermathLength));
        Assert.All(FaultCatalog.Defaults, f => Assert.Equal((null, null, null, TimeSpan.FromSeconds(3)),
            (f.Subscribers, f.RatePerSec, f.KeepAlive, f.AftermathLength)));
    }

    public static TheoryData<string, string, string[]> DefaultVariants => new()
    {
        { "websocket", "drop", ["default", "resume"] },
        { "websocket", "restart", ["default", "resume", "durable"] },
        { "grpc", "restart", ["default", "resume", "durable"] },
        { "grpc", "outage", ["default", "resume"] },
        { "signalr", "restart", ["default", "stateful"] },
        { "websocket", "slow", ["default", "resume"] },
        { "websocket", "storm", ["default"] },
        { "webhook", "restart", ["default", "memory-outbox"] },
        { "webhook", "drop", ["default"] },
        { "webhook", "overload", ["default"] },
        { "webhook", "storm", ["default"] },
    };

    [Theory]
    [MemberData(nameof(DefaultVariants))]
    public void Transports_choose_their_default_variants_from_what_the_fault_does(string transport, string fault, string[] variants) =>
        Assert.Equal(variants, TransportCatalog.Find(transport)!.DefaultFaultVariants(FaultCatalog.Find(fault)!));

    [Theory]
    [InlineData("drop", 7)]
    [InlineData("restart", 9)]
    [InlineData("storm", 21)]
    public void A_run_measures_from_the_warm_up_to_the_end_of_the_aftermath(string fault, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), FaultCatalog.Find(fault)!.MeasuredDuration(TimeSpan.FromSeconds(1)));
}
