using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.Tests.Markdown;

/// <summary>report.md is the catalogue's sections, in its order, each only when the run has something for it.</summary>
public sealed class ReportSectionsTests
{
    /// <summary>The headings of the sections that have one of their own, in the order a reader needs them.</summary>
    private static readonly string[] OwnHeadings =
        ["Verdict", "Claims", "Run validity", "At a glance", "The run", "saturation", "Per-message cost", "Resilience", "Method notes"];

    private static RunResults Rich()
    {
        var run = Fixtures.Run();
        return run with
        {
            Suite = "claims",
            Results =
            [
                .. run.Results,
                Fixtures.Result("saturation", "websocket", 1000) with
                {
                    Saturation = new SaturationSummary("push", 50_000, 4, 900, "at 1,350/s: p99 above the SLO",
                        [new SaturationStep(900, 899, 900, 9_000, 36_000, 0, 0, 45, null)]),
                },
                Fixtures.Result("faults", "websocket", 1000) with
                {
                    Resilience = new ResilienceSummary(
                        "restart", 5, 2, 10, 100, 3, 0, 0, 1, 0, 0, 200, 1000, 2000, 3000, 100, 0, "behaves"),
                },
            ],
            Micro = [new MicroBenchmark("Hmac", "sign 1 KiB", "", 2065.2, 175.5, 62.6, 608)],
        };
    }

    private static List<string> Headings(string markdown) =>
        [.. markdown.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l[3..])];

    [Fact]
    public void The_catalogue_names_each_section_once()
    {
        var titles = ReportSections.All.Select(s => s.Title).ToList();

        Assert.Equal(titles.Count, titles.Distinct(StringComparer.Ordinal).Count());
        Assert.All(OwnHeadings, h => Assert.Contains(h, titles));
    }

    [Fact]
    public void Every_available_section_is_written_in_the_catalogue_order()
    {
        var headings = Headings(MarkdownReport.Render(Rich()));

        Assert.Equal(OwnHeadings, headings.Where(OwnHeadings.Contains));
        Assert.Equal(OwnHeadings, ReportSections.All.Select(s => s.Title).Where(OwnHeadings.Contains));
        Assert.Equal(["rtt", "push"], headings.Where(h => h is "rtt" or "push").ToList());
        Assert.True(headings.IndexOf("The run") < headings.IndexOf("rtt") && headings.IndexOf("push") < headings.IndexOf("saturation"));
    }

    [Fact]
    public void A_section_the_run_has_nothing_for_is_not_available_and_writes_nothing()
    {
        var run = Fixtures.Run();
        var report = new ReportContext(run, [], "", Sizing: null);

        var unavailable = ReportSections.All.Where(s => !s.IsAvailable(report)).Select(s => s.Title).ToList();

        Assert.Equal(
            [
                "Thresholds", "Claims", "push (source: server)", "saturation", "connections", "wire", "Per-message cost", "Resilience",
                "Sizing",
            ],
            unavailable);
        var headings = Headings(MarkdownReport.Render(run));
        Assert.DoesNotContain(headings, unavailable.Contains);
        Assert.DoesNotContain(headings, h => h.StartsWith("Sizing", StringComparison.Ordinal));
    }

    [Fact]
    public void Sizing_is_available_only_when_a_workload_is_given()
    {
        var run = Fixtures.Run();
        var sizing = ReportSections.All.Single(s => s.Title == "Sizing");

        Assert.False(sizing.IsAvailable(new ReportContext(run, [], "", Sizing: null)));
        Assert.True(sizing.IsAvailable(new ReportContext(run, [], "", new Bench.Reports.Sizing.Workload(100, 400, 1024))));
    }
}
