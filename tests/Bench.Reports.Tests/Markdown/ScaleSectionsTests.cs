using Bench.Reports.Charts;
using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.Tests.Markdown;

public sealed class ScaleSectionsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-scale-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static ScenarioResult Saturated(string transport, double max, string reason, params SaturationStep[] steps) =>
        Fixtures.Result("saturation", transport, 1000) with
        {
            Saturation = new SaturationSummary("push", 50_000, 4, max, reason, [.. steps]),
        };

    private static ScenarioResult Held(string transport, double rssKiB, long fanOutUs) =>
        Fixtures.Result("connections", transport, 1000) with
        {
            Connections = new ConnectionsSummary(
                1_000, 0, transport == "websocket" ? 900 : null, transport == "websocket" ? 4_000 : null, 2_500, 1, 10, 3.5,
                transport == "websocket" ? 5 : 0, [new MemoryPoint(100, 60, 10, 90, 20), new MemoryPoint(1_000, 80, 20, rssKiB, 12.5)],
                [
                    new FanOutPoint(100, 10, fanOutUs / 10, fanOutUs / 5, fanOutUs / 4, 0),
                    new FanOutPoint(1_000, 10, fanOutUs, fanOutUs * 2, fanOutUs * 3, 0),
                ]),
        };

    private static ScenarioResult Wired(string transport, string variant, double toSubscriber) =>
        Fixtures.Result("overhead", transport, 1000) with
        {
            Variant = variant,
            Wire = new WireSummary(1024, 1094, 3000, toSubscriber, 64, 10, 0, toSubscriber + 64, 120, 60, "test"),
        };

    private static RunResults Run() => Fixtures.Run() with
    {
        Results =
        [
            Saturated("websocket", 900, "at 1,350/s: p99 80.0 ms above the 50.0 ms SLO",
                new SaturationStep(400, 400, 500, 3_000, 16_000, 0, 0, 20, null),
                new SaturationStep(600, 600, 600, 4_000, 24_000, 0, 0, 30, null),
                new SaturationStep(900, 899, 900, 9_000, 36_000, 0, 0, 45, null),
                new SaturationStep(1_350, 1_200, 20_000, 80_000, 48_000, 0, 0, 80, "p99 80.0 ms above the 50.0 ms SLO")),
            Saturated("webhook", 0, "at 400/s: 3 events lost (not delivered within the drain)",
                new SaturationStep(400, 380, 5_000, 60_000, 15_000, 0, 3, 90, "3 events lost (not delivered within the drain)")),
            Held("websocket", 20.5, 30_000),
            Held("webhook", 9.3, 120_000),
            Wired("websocket", "default", 1_098),
            Wired("websocket", "compression", 732),
            Wired("webhook", "default", 1_390),
        ],
        Micro = [new MicroBenchmark("Hmac", "sign 1 KiB", "", 2065.2, 175.5, 62.6, 608)],
    };

    [Fact]
    public void The_scale_sections_show_each_table_and_the_headline_comparison()
    {
        var report = MarkdownReport.Render(Run());

        Assert.Contains("| saturation (push) | max sustainable rate | 900/s | below 400/s | highest: websocket (one search"
            + " each, no verdict) |",
            report, StringComparison.Ordinal);
        Assert.Contains("| saturation (push) | limited by | this machine | this machine | – |", report, StringComparison.Ordinal);
        Assert.Contains("| connections | target RSS per subscriber | 20.5 KiB | 9.3 KiB | lowest: webhook (one measurement, no verdict) |",
            report, StringComparison.Ordinal);
        Assert.Contains("| connections | fan-out to all, p50 | 30.0 ms | 120 ms | lowest: websocket (one measurement, no verdict) |",
            report, StringComparison.Ordinal);
        Assert.Contains("| connections | idle target CPU | 3.50 % | 3.50 % | tie: websocket, webhook (within 5 %, one measurement) |",
            report, StringComparison.Ordinal);
        Assert.Contains("| websocket | 900/s | at 1,350/s: p99 80.0 ms above the 50.0 ms SLO |", report, StringComparison.Ordinal);
        Assert.Contains(
            "| 1,350/s | 1,200/s | 20.0 ms | 80.0 ms | 48,000 | 0 | 0 | 80.0 % | p99 80.0 ms above the 50.0 ms SLO |",
            report,
            StringComparison.Ordinal);
        Assert.Contains(
            "| webhook | 1,000 | 0 | – | – | 2,500 | 1 | 9.3 KiB | 12.5 KiB | 3.50 % over 10 s | none (HTTP) |",
            report,
            StringComparison.Ordinal);
        Assert.Contains(
            "| websocket (compression) | 1,024 B | 1,094 B | 732.0 B | 64.0 B | 796.0 B | 0 B | 10 | 1.50× | 120 µs | 60 µs |",
            report,
            StringComparison.Ordinal);
        Assert.Contains(
            "| websocket | 1,024 B | 1,094 B | 1,098.0 B | 64.0 B | 1,162.0 B | 0 B | 10 | – |", report, StringComparison.Ordinal);
        Assert.Contains("| Hmac.sign 1 KiB | – | 2.07 µs | ± 175.5 ns | 608 B |", report, StringComparison.Ordinal);
        foreach (var section in new[] { "## saturation", "## connections", "## wire", "## Per-message cost" })
        {
            Assert.Contains(section, report, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("| overhead | p50 latency", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_scale_scenario_gets_its_chart()
    {
        var written = ChartSet.Render(Run(), dir);

        Assert.Equal(["saturation-push.png", "connections.png", "overhead-bytes.png"], written.Select(Path.GetFileName));
        Assert.All(written, f => Assert.True(new FileInfo(f).Length > 10_000, $"{f} has a plot"));
    }

    [Fact]
    public void A_harness_that_gave_back_memory_is_said_so_not_printed_as_a_negative_size_and_its_results_still_validate()
    {
        var held = Held("sse", 21.8, 30_000);
        var memory = held.Connections!.Memory;
        var grown = held with
        {
            Connections = held.Connections with
            {
                Memory = [memory[0] with { HarnessRssKiBPerSubscriber = -23.76 }, memory[1] with { HarnessRssKiBPerSubscriber = 10.04 }],
            },
        };
        var text = MarkdownReport.Render(Fixtures.Run() with { Results = [grown] });
        Assert.Contains("| sse | 100 |", text, StringComparison.Ordinal);
        Assert.Contains("below its start", text, StringComparison.Ordinal);
        Assert.Contains("10.0 KiB", text, StringComparison.Ordinal);
        Assert.DoesNotContain("-23.8", text, StringComparison.Ordinal);
        Assert.Null(Bench.Reports.Json.ResultsValidator.Problem(Fixtures.Run() with { Results = [grown] }));
    }
}
