using System.Globalization;
using Bench.Reports.Json;
using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.Tests.VerdictKinds;

/// <summary>
/// The Verdict section of each kind of run, byte for byte, rendered from a results.json of a real run (trimmed: no
/// per-second histograms) under a culture that writes "1,5": set BENCH_UPDATE_SNAPSHOTS=1 to rewrite after a deliberate change.
/// </summary>
public class VerdictSnapshotTests
{
    [Theory]
    [InlineData("faults", "verdict-faults.md")]
    [InlineData("storm", "verdict-storm.md")]
    [InlineData("storm-not-back", "verdict-storm-not-back.md")]
    [InlineData("saturation", "verdict-saturation.md")]
    [InlineData("connections", "verdict-connections.md")]
    public void The_verdict_of_each_kind_of_run_matches_its_snapshot(string fixture, string snapshot)
    {
        var run = Read(fixture);

        Snapshot.Match(snapshot, VerdictOf(run));
    }

    [Fact]
    public void The_verdict_of_a_one_transport_run_says_there_is_no_comparison_and_gives_its_figures()
    {
        var faults = Read("faults");
        var run = faults with { Results = [.. faults.Results.Where(r => r.Transport == "websocket")] };

        var verdict = VerdictOf(run);

        Snapshot.Match("verdict-one-transport.md", verdict);
        Assert.Contains("- One transport (websocket): no comparison; its figures follow.", verdict, StringComparison.Ordinal);
    }

    private static RunResults Read(string fixture) =>
        ResultsJson.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture + ".results.json"));

    /// <summary>The report's Verdict section alone, rendered under a comma culture.</summary>
    private static string VerdictOf(RunResults run)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CommaCulture();
        try
        {
            var report = MarkdownReport.Render(run);
            var start = report.IndexOf("## Verdict", StringComparison.Ordinal);
            var end = report.IndexOf("\n## ", start, StringComparison.Ordinal);
            return report[start..(end + 1)];
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static CultureInfo CommaCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return culture;
    }
}
