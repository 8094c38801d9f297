using Bench.Reports.Model;
using Bench.Reports.Thresholds;

namespace Bench.Reports.Tests.Thresholds;

/// <summary>Threshold expressions: what they accept, the one line a wrong one gets, and how cases are held to them.</summary>
public sealed class ThresholdTests
{
    private static readonly string[] Scenarios = ["rtt", "push", "saturation", "faults"];

    [Theory]
    [InlineData("push.p99 < 50ms", "push", "p99", ThresholdOperator.Less, 50_000, false)]
    [InlineData("rtt.p50<1ms", "rtt", "p50", ThresholdOperator.Less, 1000, false)]
    [InlineData("push.lost == 0", "push", "lost", ThresholdOperator.Equal, 0, false)]
    [InlineData("push.cpu_per_delivery < 30us", "push", "cpu_per_delivery", ThresholdOperator.Less, 30, false)]
    [InlineData("push.p999 <= 0.5s", "push", "p999", ThresholdOperator.LessOrEqual, 500_000, false)]
    [InlineData("saturation.max_rate > 5000/s", "saturation", "max_rate", ThresholdOperator.Greater, 5000, false)]
    [InlineData("push.target_cpu <= 80%", "push", "target_cpu", ThresholdOperator.LessOrEqual, 80, false)]
    [InlineData(" push.lost == 0, abort-on-fail ", "push", "lost", ThresholdOperator.Equal, 0, true)]
    public void An_expression_reads_into_scenario_metric_operator_and_a_limit_in_the_metrics_unit(
        string text, string scenario, string metric, ThresholdOperator op, double limit, bool abort)
    {
        var t = Threshold.Parse(text, Scenarios);

        Assert.Equal((scenario, metric, op, limit, abort), (t.Scenario, t.Metric.Name, t.Operator, t.Limit, t.AbortOnFail));
    }

    [Theory]
    [InlineData("push p99 < 50ms", "expected [<transport>:] <scenario>.<metric> <op> <value>")]
    [InlineData("pish.p99 < 50ms", "unknown scenario 'pish'")]
    [InlineData("push.p98 < 50ms", "unknown metric 'p98'")]
    [InlineData("push.p99 < 50", "p99 takes us, ms or s, and none was given")]
    [InlineData("push.p99 < 50/s", "p99 takes us, ms or s, not '/s'")]
    [InlineData("push.lost == 0ms", "lost takes no unit, not 'ms'")]
    [InlineData("push.p99 < 1e999ms", "'1e999' is not a number")]
    [InlineData("push.p99 =< 5ms", "expected [<transport>:] <scenario>.<metric>")]
    public void A_wrong_expression_is_one_line_naming_it(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => Threshold.Parse(text, Scenarios));

        Assert.StartsWith($"threshold '{text}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Every_case_of_the_scenario_is_held_to_it_and_a_scenario_that_did_not_run_fails()
    {
        var fast = Fixtures.Result("push", "websocket", 500);
        var slow = Fixtures.Result("push", "sse", 5000);
        var lossy = Fixtures.Result("push", "webhook", 500) with { Counts = new DeliveryCounts(1000, 4990, 10, 0, 0, 0) };
        ScenarioResult[] results = [fast, slow, lossy, Fixtures.Result("rtt", "websocket", 100)];

        var p99 = ThresholdOutcome.Evaluate([Threshold.Parse("push.p99 < 10ms", Scenarios)], results);
        var lost = ThresholdOutcome.Evaluate([Threshold.Parse("push.lost == 0", Scenarios)], results);
        var absent = ThresholdOutcome.Evaluate([Threshold.Parse("saturation.max_rate > 100/s", Scenarios)], results);

        Assert.Equal(["push/websocket", "push/sse", "push/webhook"], p99.Select(o => o.CaseName));
        Assert.Equal([true, false, true], p99.Select(o => o.Held));
        Assert.All(p99, o => Assert.Equal(o.Case!.LatencyUs.P99, o.Value));
        Assert.All(p99, o => Assert.NotNull(o.Interval));
        Assert.Equal([true, true, false], lost.Select(o => o.Held));
        Assert.Equal(10, lost[2].Value);
        Assert.Null(lost[2].Interval);
        var none = Assert.Single(absent);
        Assert.False(none.Held);
        Assert.Equal("saturation (did not run)", none.CaseName);
    }

    [Fact]
    public void A_threshold_that_names_a_transport_holds_its_cases_alone()
    {
        ScenarioResult[] results = [Fixtures.Result("push", "websocket", 500), Fixtures.Result("push", "sse", 5000)];

        var sse = ThresholdOutcome.Evaluate([Threshold.Parse("sse: push.p99 < 10ms", Scenarios)], results);
        var absent = ThresholdOutcome.Evaluate([Threshold.Parse("orders-api: push.p99 < 10ms", Scenarios)], results);

        Assert.Equal("push/sse", Assert.Single(sse).CaseName);
        Assert.False(sse[0].Held);
        Assert.Equal("sse: push.p99 < 10.0 ms", sse[0].Threshold.Describe());
        Assert.Equal("push/orders-api (did not run)", Assert.Single(absent).CaseName);
    }

    [Fact]
    public void A_value_not_measured_fails_and_an_interval_across_the_limit_is_uncertain()
    {
        var r = Fixtures.Result("push", "websocket", 500);
        var cpu = ThresholdOutcome.Evaluate([Threshold.Parse("push.cpu_per_delivery < 30us", Scenarios)], [r]).Single();
        var p50 = Threshold.Parse("push.p50 < 1ms", Scenarios);

        Assert.True(double.IsNaN(cpu.Value));
        Assert.False(cpu.Held);
        Assert.Equal("not measured", cpu.Threshold.Metric.Format(cpu.Value));
        Assert.True(new ThresholdOutcome(p50, r, 900, (800, 1100)).Uncertain);
        Assert.False(new ThresholdOutcome(p50, r, 900, (800, 950)).Uncertain);
    }

    [Fact]
    public void The_report_opens_with_the_thresholds_table_and_junit_has_a_case_for_each_outcome()
    {
        var run = Fixtures.Run() with
        {
            Results = [Fixtures.Result("push", "websocket", 500), Fixtures.Result("push", "sse", 5000)],
            Thresholds = ["push.p99 < 10ms", "push.lost == 0"],
        };

        var report = Bench.Reports.Markdown.MarkdownReport.Render(run);
        var junit = System.Xml.Linq.XDocument.Parse(ThresholdOutput.JUnit(ThresholdOutcome.Evaluate(
            [.. run.Thresholds.Select(t => Threshold.Parse(t, Scenarios))], run.Results)));

        var sections = report.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToList();
        Assert.Equal("## Thresholds", sections[0]);
        Assert.Contains("**1 of 4 failed** (exit 1)", report, StringComparison.Ordinal);
        Assert.Contains("| `push.p99 < 10.0 ms` | push/sse | ", report, StringComparison.Ordinal);
        Assert.Contains("| **failed** |", report, StringComparison.Ordinal);
        var cases = junit.Descendants("testcase").ToList();
        Assert.Equal(4, cases.Count);
        Assert.Single(cases, c => c.Element("failure") is not null);
        Assert.Equal("1", junit.Descendants("testsuite").Single().Attribute("failures")!.Value);
    }

    [Fact]
    public void A_results_file_whose_threshold_does_not_read_is_refused_naming_it()
    {
        var run = Fixtures.Run() with { Results = [Fixtures.Result("push", "websocket", 500)], Thresholds = ["push.p99 < 10"] };

        var problem = Bench.Reports.Json.ResultsValidator.Problem(run);

        Assert.Equal("results.thresholds[0]: threshold 'push.p99 < 10': p99 takes us, ms or s, and none was given", problem);
    }
}
