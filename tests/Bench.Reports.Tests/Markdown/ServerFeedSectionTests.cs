using Bench.Reports.Markdown;
using Bench.Reports.Model;
using Bench.Reports.Thresholds;

namespace Bench.Reports.Tests.Markdown;

/// <summary>
/// A push case against a system that publishes on its own (<c>source: server</c>) has its own section: its accounting
/// by the system's sequence, and latency only when the system stamps its messages — otherwise "not measured", never 0.
/// </summary>
public sealed class ServerFeedSectionTests
{
    private static ScenarioResult Feed(bool timestamped)
    {
        var r = Fixtures.Result("push", "ticker-feed", 1500);
        var interArrival = r.LatencyUs with { P50 = 10_000, P99 = 20_000 };
        return r with
        {
            LatencyUs = timestamped ? r.LatencyUs : r.LatencyUs with { Count = 0, P50 = 0, P99 = 0, Max = 0 },
            Counts = new DeliveryCounts(1200, 1188, 12, 3, 0, 0),
            ServerFeed = new ServerFeedSummary("$.seq", timestamped ? "$.ts" : null, timestamped ? "unix-ms" : null, timestamped,
                timestamped ? "arrival minus $.ts (unix-ms)" : "not measured: the file names no timestamp", false, 0, 396.0,
                interArrival, [new FeedSubscriberCounts("s0", 201, 1400, 1200, 1188, 12, 3, 0)]),
        };
    }

    private static RunResults RunOf(ScenarioResult r) => Fixtures.Run() with { Results = [r] };

    [Fact]
    public void The_section_shows_the_accounting_by_the_systems_sequence_and_says_how_sent_is_counted()
    {
        var report = MarkdownReport.Render(RunOf(Feed(timestamped: true)));

        Assert.Contains("## push (source: server)", report, StringComparison.Ordinal);
        Assert.Contains("| ticker-feed | 1,200 | 1,188 | 12 | 3 | 0 | 396.0 | 10.0 ms | 20.0 ms |", report, StringComparison.Ordinal);
        Assert.Contains(ServerFeedSummary.SentDefinition, report, StringComparison.Ordinal);
        Assert.DoesNotContain("No scenario completed", report, StringComparison.Ordinal);
        Assert.Contains("**push (source: server) is not Bench's load:**", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Generator lateness", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_timestamp_latency_is_not_measured_in_the_report_and_in_a_threshold()
    {
        var r = Feed(timestamped: false);

        var report = MarkdownReport.Render(RunOf(r));
        var p99 = ThresholdOutcome.Evaluate([Threshold.Parse("push.p99 < 50ms", ["push"])], [r]).Single();

        Assert.Contains("| not measured | not measured | not measured |", report, StringComparison.Ordinal);
        Assert.True(double.IsNaN(p99.Value));
        Assert.False(p99.Held);
        Assert.True(ThresholdOutcome.Evaluate([Threshold.Parse("push.lost == 12", ["push"])], [r]).Single().Held);
    }
}
