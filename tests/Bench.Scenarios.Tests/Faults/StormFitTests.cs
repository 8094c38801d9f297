using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Faults.Catalog;

namespace Bench.Scenarios.Tests.Faults;

public sealed class StormFitTests
{
    private static readonly int Storm = FaultCatalog.Find("storm")!.Subscribers!.Value;

    [Theory]
    [InlineData(20_000L, 6_333)]
    [InlineData(65_536L, 21_512)]
    [InlineData(10_000L, 3_000)]
    [InlineData(1_024L, 100)]
    public void The_storm_holds_what_fits_in_the_open_file_limit_at_three_descriptors_a_subscriber(long limit, int fits) =>
        Assert.Equal(fits, FaultsScenario.StormFit(limit));

    [Fact]
    public void An_unknown_or_unlimited_limit_leaves_the_storm_its_5000() =>
        Assert.Equal(5_000, Math.Min(Storm, Math.Min(FaultsScenario.StormFit(null), FaultsScenario.StormFit(long.MaxValue))));

    [Theory]
    [InlineData(20_000L, 5_000)]
    [InlineData(10_000L, 3_000)]
    public void At_a_limit_of_20000_the_storm_keeps_its_5000_and_a_lower_limit_still_lowers_it(long limit, int held) =>
        Assert.Equal(held, Math.Min(Storm, FaultsScenario.StormFit(limit)));

    [Theory]
    [InlineData(20_000L, 3_900)]
    [InlineData(1_024L, 104)]
    [InlineData(null, int.MaxValue)]
    public void A_proxy_process_holds_what_fits_its_limit_at_five_descriptors_a_subscriber(long? limit, int fits) =>
        Assert.Equal(fits, ProcessFaultProxy.SubscribersPerProcess(limit));
}
