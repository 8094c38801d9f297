using System.Globalization;
using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.Tests.Markdown;

public class MarkdownReportTests
{
    private static string SnapshotPath => Path.Combine(AppContext.BaseDirectory, "Snapshots", "report.md");

    /// <summary>
    /// The whole report for a fixed run, byte for byte, rendered under a culture that writes "1,5" for 1.5: the report
    /// must not change with the machine's culture. Set BENCH_UPDATE_SNAPSHOTS=1 to rewrite the snapshot after a
    /// deliberate change (and review its diff).
    /// </summary>
    [Fact]
    public void The_report_matches_its_snapshot_whatever_the_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CommaCulture();
        string rendered;
        try
        {
            rendered = MarkdownReport.Render(Fixtures.Run());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        if (Environment.GetEnvironmentVariable("BENCH_UPDATE_SNAPSHOTS") == "1")
        {
            var source = Path.Combine(SourceDirectory(), "Snapshots", "report.md");
            File.WriteAllText(source, rendered);
        }

        Assert.Equal(File.ReadAllText(SnapshotPath), rendered);
    }

    [Fact]
    public void At_a_glance_names_the_winner_and_the_ratio_per_scenario()
    {
        var report = MarkdownReport.Render(Fixtures.Run());

        Assert.Contains("| scenario | metric | websocket (reference) | webhook | best |", report, StringComparison.Ordinal);
        Assert.Contains(
            "| rtt | p50 latency | **1.70 ms** | 2.30 ms (1.35× [1.35–1.36×]) | websocket (webhook 1.35× [1.35–1.36×] higher) |",
            report,
            StringComparison.Ordinal);
        Assert.Contains("| push | p50 latency | **9.49 ms** | 9.49 ms (1.00× [1.00–1.00×]) | no clear difference: websocket,"
            + " webhook ([1.00–1.00×]) |", report, StringComparison.Ordinal);
    }

    [Fact]
    public void At_a_glance_has_a_column_per_transport_marks_the_best_and_shows_a_declared_n_a()
    {
        var run = Fixtures.Run() with
        {
            Results =
            [
                Fixtures.Result("rtt", "websocket", 200),
                Fixtures.Result("rtt", "signalr", 300),
                ScenarioResult.NotApplicableFor("rtt", "", "sse", "SSE flows one way"),
                Fixtures.Result("rtt", "webhook", 300),
            ],
        };

        var report = MarkdownReport.Render(run, reference: "signalr");

        Assert.Contains("| scenario | metric | websocket | signalr (reference) | sse | webhook | best |", report, StringComparison.Ordinal);
        Assert.Contains("| rtt | p50 latency | **1.70 ms (0.74× [0.74–0.74×])** | 2.30 ms | n/a | 2.30 ms (1.00× [1.00–1.01×]) |"
            + " websocket (signalr 1.35× [1.35–1.36×] higher) |", report, StringComparison.Ordinal);
        Assert.Contains("- **rtt / sse**: SSE flows one way.", report, StringComparison.Ordinal);
        Assert.DoesNotContain("\n| sse |", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_opens_with_the_verdict_then_run_validity_then_at_a_glance()
    {
        var report = MarkdownReport.Render(Fixtures.Run());

        var order = new[] { "## Verdict", "## Run validity", "## At a glance", "## The run", "## rtt" }
            .Select(h => report.IndexOf(h, StringComparison.Ordinal))
            .ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
        Assert.Contains(
            "- **rtt p50 latency: websocket is best**; webhook 1.35× higher [1.35–1.36×].", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_warning_and_error_kind_is_in_the_report()
    {
        var report = MarkdownReport.Render(Fixtures.Run());

        Assert.Contains("- **rtt / webhook**: offered load not achieved", report, StringComparison.Ordinal);
        Assert.Contains("`http_503` × 2", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_failed_says_so_in_its_warnings()
    {
        var run = Fixtures.Run() with { Status = "failed", StatusMessage = "hub exited with code 137" };

        var report = MarkdownReport.Render(run);

        Assert.Contains(
            "- **The run is failed**: hub exited with code 137; only the cases below completed.", report, StringComparison.Ordinal);
        Assert.True(
            report.IndexOf("## Run validity", StringComparison.Ordinal) < report.IndexOf("## At a glance", StringComparison.Ordinal),
            "validity comes before the figures");
    }

    /// <summary>A culture that writes 1.234,5 (as de-DE does); built by hand because Bench runs with invariant globalization.</summary>
    private static CultureInfo CommaCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        culture.NumberFormat.PercentDecimalSeparator = ",";
        return culture;
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(Path.GetDirectoryName(path))!;
}
