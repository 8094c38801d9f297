using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.Tests.Markdown;

/// <summary>The claims check judges from the run's figures, and says "not tested" where the run has none.</summary>
public sealed class ClaimsSectionTests
{
    private static ScenarioResult Fault(string fault, string transport, long lost, long reconnects, long retries) =>
        Fixtures.Result("faults", transport, 1000) with
        {
            Resilience = new ResilienceSummary(
                fault, 5, 2, 10, 100, lost, 0, 0, reconnects, retries, 0, 200, 1000, 2000, 3000, 100, 0, "behaves"),
            Counts = new DeliveryCounts(1000, 4000, lost, 0, 0, 0),
        };

    private static RunResults Run() => Fixtures.Run() with
    {
        Suite = "claims",
        Results =
        [
            Fixtures.Result("rtt", "websocket", 200),
            Fixtures.Result("rtt", "webhook", 300),
            Fixtures.Result("push", "websocket", 1500),
            Fixtures.Result("push", "webhook", 1500),
            Fault("restart", "websocket", 120, 8, 0),
            Fault("outage", "webhook", 0, 0, 40),
            Fault("overload", "webhook", 0, 0, 25),
        ],
    };

    private static ClaimCheck Claim(string starts) =>
        ClaimsSection.Evaluate(Run()).Single(c => c.Claim.StartsWith(starts, StringComparison.Ordinal));

    [Fact]
    public void Lower_latency_depends_when_websocket_is_clearly_lower_in_rtt_and_not_in_push()
    {
        var c = Claim("WebSocket has lower latency");

        Assert.Equal(ClaimVerdict.Depends, c.Verdict);
        Assert.StartsWith("lower on rtt p50, rtt p99, not on push p50, push p99:", c.Because, StringComparison.Ordinal);
        Assert.Contains("rtt p50 1.70 ms vs 2.30 ms (webhook 1.35× [1.35–1.36×])", c.Because, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_claims_are_judged_from_what_each_transport_lost_under_faults()
    {
        var ws = Claim("WebSocket has built-in reconnection");
        Assert.Equal(ClaimVerdict.DoesNotHold, ws.Verdict);
        Assert.Contains("restart: 8 attempts, 120 events lost", ws.Because, StringComparison.Ordinal);

        var webhook = Claim("HTTP/webhooks have no built-in retry");
        Assert.Equal(ClaimVerdict.DoesNotHold, webhook.Verdict);
        Assert.Contains("outage: 0 lost, 40 retries", webhook.Because, StringComparison.Ordinal);
        Assert.Contains("overload: 0 lost, 25 retries", webhook.Because, StringComparison.Ordinal);
    }

    [Fact]
    public void A_claim_the_run_has_no_figures_for_is_not_tested_and_says_what_is_missing()
    {
        var c = Claim("WebSocket has higher throughput");

        Assert.Equal(ClaimVerdict.NotTested, c.Verdict);
        Assert.Equal("this run has no push saturation search for both websocket and webhook", c.Because);
    }

    [Fact]
    public void Every_claim_is_in_the_report_of_a_claims_run_and_none_in_another()
    {
        var report = MarkdownReport.Render(Run());

        Assert.Contains("## Claims", report, StringComparison.Ordinal);
        Assert.Equal(9, ClaimsSection.Evaluate(Run()).Count);
        foreach (var c in ClaimsSection.Evaluate(Run()))
        {
            Assert.Contains("“" + c.Claim + "”", report, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("## Claims", MarkdownReport.Render(Run() with { Suite = null }), StringComparison.Ordinal);
    }
}
