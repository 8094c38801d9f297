using Bench.Harness.Scenarios.Faults;

namespace Bench.Scenarios.Tests.Faults;

public sealed class StormFitTests
{
    [Theory]
    [InlineData(20_000L, 3_166)]
    [InlineData(65_536L, 10_756)]
    [InlineData(1_024L, 100)]
    public void The_storm_holds_what_fits_in_the_open_file_limit_at_six_descriptors_a_subscriber(long limit, int fits) =>
        Assert.Equal(fits, FaultsScenario.StormFit(limit));

    [Fact]
    public void An_unknown_or_unlimited_limit_leaves_the_storm_its_5000() =>
        Assert.Equal(5_000, Math.Min(Fault.Storm.Subscribers!.Value, Math.Min(FaultsScenario.StormFit(null), FaultsScenario.StormFit(long.MaxValue))));
}
