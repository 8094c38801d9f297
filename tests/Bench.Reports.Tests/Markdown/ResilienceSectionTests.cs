using Bench.Reports.Charts;
using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.Tests.Markdown;

public sealed class ResilienceSectionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-resilience-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static ScenarioResult Faulted(string transport, string variant, long lost, double? detect) =>
        Fixtures.Result("faults", transport, 1000) with
        {
            Variant = variant,
            Resilience = new ResilienceSummary("drop", 5.0, 0.01, detect, 120.4, lost, 0, 0, 10, 0, 0, 15, 900, 1_500, 2_000, 130, 0,
                "subscribers reconnect", lost, "every subscriber connection is reset (reset_peer) once", lost),
        };

    private static RunResults Run() => Fixtures.Run() with
    {
        Results =
        [
            Faulted("websocket", "default", 117, 17.3),
            Faulted("websocket", "resume", 0, 2.3),
            Faulted("webhook", "default", 0, null),
        ],
    };

    [Fact]
    public void Each_fault_gets_a_table_of_transports_and_variants_and_leaves_the_comparison_tables_alone()
    {
        var report = MarkdownReport.Render(Run());

        Assert.Contains("## Resilience", report, StringComparison.Ordinal);
        Assert.Contains("### drop", report, StringComparison.Ordinal);
        Assert.Contains("| websocket | 17.3 ms | 120 ms | 117 |", report, StringComparison.Ordinal);
        Assert.Contains("| websocket (resume) | 2.30 ms | 120 ms | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("| webhook | – | 120 ms | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("117 events were published while subscribers were away", report, StringComparison.Ordinal);
        Assert.Contains("| drop | lost | 117 | 0 | none lost: webhook |", report, StringComparison.Ordinal);
        Assert.Contains("| drop (resume) | lost | 0 | – | none lost: websocket |", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Only faults were run", report, StringComparison.Ordinal);
        Assert.DoesNotContain("## faults", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_fault_gets_a_timeline_chart()
    {
        var written = ChartSet.Render(Run(), dir);

        Assert.Equal(["faults-drop-timeline.png"], written.Select(Path.GetFileName));
    }
}
