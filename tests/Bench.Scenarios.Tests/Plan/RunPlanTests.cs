using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;

namespace Bench.Scenarios.Tests.Plan;

public class RunPlanTests
{
    private static RunPlan Plan(Func<RunPlan, RunPlan>? change = null)
    {
        var plan = new RunPlan { Scenarios = ScenarioCatalog.All, Transports = TransportCatalog.All, Profile = Profile.Quick };
        return change is null ? plan : change(plan);
    }

    [Fact]
    public void The_ci_profile_holds_its_own_suite_to_exact_accounting_with_thresholds_that_parse()
    {
        var names = ScenarioCatalog.All.Select(x => x.Name).ToList();
        var thresholds = Profile.Ci.Thresholds.Select(t => Bench.Reports.Thresholds.Threshold.Parse(t, names)).ToList();

        Assert.Equal(["rtt.lost == 0", "push.lost == 0", "push.duplicated == 0"], Profile.Ci.Thresholds);
        Assert.All(thresholds, t => Assert.Contains(ScenarioCatalog.CiSuite, s => s.Name == t.Scenario));
        Assert.Empty(Profile.Quick.Thresholds);
    }

    [Fact]
    public void Quick_push_defaults_to_50_subscribers_at_100_events_a_second_for_5_plus_10_seconds_and_a_5_second_cost_probe()
    {
        var s = Plan().SettingsFor(ScenarioCatalog.Find("push")!);

        Assert.Equal(100, s.RatePerSec);
        Assert.Equal(50, s.Subscribers);
        Assert.Equal(50, s.Connections);
        Assert.Equal(256, s.PayloadBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), s.Warmup);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), s.CostProbe);
    }

    [Fact]
    public void Every_override_given_replaces_the_profile_default()
    {
        var plan = Plan(p => p with
        {
            RatePerSec = 200,
            Subscribers = 10,
            Duration = TimeSpan.FromSeconds(5),
            PayloadBytes = 64,
            Warmup = TimeSpan.Zero,
        });

        var s = plan.SettingsFor(ScenarioCatalog.Find("push")!);

        Assert.Equal(
            (200.0, 10, 10, 64, TimeSpan.FromSeconds(5), TimeSpan.Zero),
            (s.RatePerSec, s.Subscribers, s.Connections, s.PayloadBytes, s.Duration, s.Warmup));
    }

    [Fact]
    public void Rtt_keeps_its_own_connection_count_when_subscribers_are_set()
    {
        var s = Plan(p => p with { Subscribers = 10 }).SettingsFor(ScenarioCatalog.Find("rtt")!);

        Assert.Equal(8, s.Connections);
    }

    [Theory]
    [InlineData("rate", "--rate")]
    [InlineData("subscribers", "--subscribers")]
    [InlineData("payload", "--payload")]
    [InlineData("duration", "--duration")]
    [InlineData("connections", "--connections")]
    public void An_invalid_value_is_reported_naming_its_option(string field, string option)
    {
        var plan = field switch
        {
            "rate" => Plan(p => p with { RatePerSec = -1 }),
            "subscribers" => Plan(p => p with { Subscribers = 0 }),
            "payload" => Plan(p => p with { PayloadBytes = 0 }),
            "duration" => Plan(p => p with { Duration = TimeSpan.Zero }),
            _ => Plan(p => p with { Connections = -3 }),
        };

        Assert.Contains(plan.Validate(), problem => problem.StartsWith(option, StringComparison.Ordinal));
    }
}
