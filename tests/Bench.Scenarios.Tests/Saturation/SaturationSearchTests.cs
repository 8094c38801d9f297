using Bench.Harness.Scenarios.Saturation;
using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.Saturation;

public sealed class SaturationSearchTests
{
    private const long Slo = 50_000;

    private static SaturationStep Step(
        double offered, double achieved, long p99 = 5_000, long delivered = 1_000, long errors = 0, long lost = 0) =>
        new(offered, achieved, p99 / 5, p99, delivered, errors, lost, 10, null);

    [Fact]
    public void Rates_grow_by_half_each_step() =>
        Assert.Equal([100, 150, 225, 337.5, 506.3], SaturationSearch.Rates(100, 5));

    [Fact]
    public void A_step_within_every_limit_holds() =>
        Assert.Null(SaturationSearch.Breach(Step(1000, 996, p99: 49_000, errors: 10), Slo));

    [Theory]
    [InlineData(1000, 996, 50_001, 0, 0, "p99 50.0 ms above the 50.0 ms SLO")]
    [InlineData(1000, 949, 5_000, 0, 0, "achieved 949/s, 94.9 % of the 1,000/s offered")]
    [InlineData(1000, 1000, 5_000, 11, 0, "11 errors, 1.1 % of requests")]
    [InlineData(1000, 1000, 5_000, 0, 1, "1 events lost (not delivered within the drain)")]
    [InlineData(1000, 500, 900_000, 50, 3, "3 events lost (not delivered within the drain)")]
    public void A_step_breaches_on_the_first_limit_it_crosses(
        double offered, double achieved, long p99, long errors, long lost, string reason) =>
        Assert.Equal(reason, SaturationSearch.Breach(Step(offered, achieved, p99, 989, errors, lost), Slo));

    [Fact]
    public void The_maximum_sustainable_rate_is_the_last_step_before_the_first_breach()
    {
        var steps = new List<SaturationStep>();
        foreach (var (offered, achieved, p99) in new[]
        {
            (100.0, 100.0, 3_000L), (150, 150, 4_000), (225, 224, 9_000), (337.5, 300, 120_000),
        })
        {
            var s = Step(offered, achieved, p99);
            steps.Add(s with { Breach = SaturationSearch.Breach(s, Slo) });
        }

        var (max, reason) = SaturationSearch.Conclude(steps, cap: 12);

        Assert.Equal(225, max);
        Assert.Equal("at 338/s: p99 120 ms above the 50.0 ms SLO", reason);
    }

    [Fact]
    public void A_first_step_that_breaches_sustains_nothing_and_a_search_that_never_breaches_says_the_cap_was_reached()
    {
        var broken = Step(100, 10, 900_000);
        Assert.Equal(
            0, SaturationSearch.Conclude([broken with { Breach = SaturationSearch.Breach(broken, Slo) }], cap: 12).MaxSustainablePerSec);

        var held = SaturationSearch.Rates(100, 3).Select(r => Step(r, r)).ToList();
        var (max, reason) = SaturationSearch.Conclude(held, cap: 3);
        Assert.Equal(225, max);
        Assert.StartsWith("at the cap of 3 steps with no breach", reason);
    }
}
