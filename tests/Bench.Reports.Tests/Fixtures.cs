using Bench.Reports.Histograms;
using Bench.Reports.Model;
using HdrHistogram;

namespace Bench.Reports.Tests;

/// <summary>A small, fixed run: the same bytes every time, so report output can be snapshot-tested.</summary>
internal static class Fixtures
{
    public static LongHistogram Histogram(long from, long step, int count)
    {
        var h = new LongHistogram(1, 3_600_000_000, 3);
        for (var i = 0; i < count; i++)
        {
            h.RecordValue(from + (i * step));
        }

        return h;
    }

    /// <summary>
    /// Ten measured seconds whose histograms sum to <see cref="Histogram"/>(from, step, count): value i falls in second
    /// i % 10.
    /// </summary>
    public static List<SecondLatency> Seconds(long from, long step, int count) =>
        [.. Enumerable.Range(0, 10).Select(second =>
        {
            var h = new LongHistogram(1, 3_600_000_000, 3);
            for (var i = second; i < count; i += 10)
            {
                h.RecordValue(from + (i * step));
            }

            return new SecondLatency(
                second,
                h.TotalCount,
                HistogramCodec.ValueAtPercentile(h, 50),
                HistogramCodec.ValueAtPercentile(h, 99),
                HistogramCodec.Encode(h));
        })];

    public static ScenarioResult Result(string scenario, string transport, long baseUs, IReadOnlyList<string>? warnings = null)
    {
        var histogram = Histogram(baseUs, baseUs / 100 + 1, 1000);
        return new ScenarioResult
        {
            Scenario = scenario,
            Transport = transport,
            Description = $"The {scenario} scenario.",
            Parameters = new ScenarioParameters(100, 5, 256, 10, 3, 5),
            LatencyUs = HistogramCodec.Summarize(histogram),
            Throughput = new ThroughputSummary(100, 99.5, 497.5),
            Counts = new DeliveryCounts(1000, 5000, 0, 0, 0, transport == "webhook" ? 2 : 0),
            ErrorsByKind = transport == "webhook"
                ? new SortedDictionary<string, long>(StringComparer.Ordinal) { ["http_503"] = 2 }
                : new(StringComparer.Ordinal),
            Timeline =
            [
                .. Enumerable.Range(0, 14).Select(s => new TimelineEntry(s, 100, s == 13 ? 0 : 500, baseUs + s, (baseUs * 3) + s, 0)),
            ],
            Generator = new GeneratorStats(250, 0, 12.5),
            Target = new TargetStats(1.25, 80.5, 6.25),
            Warnings = [.. (warnings ?? []).Select(Bench.Reports.Warnings.RunWarning.Other)],
            LatencyBySecond = Seconds(baseUs, baseUs / 100 + 1, 1000),
        };
    }

    public static RunResults Run() => new()
    {
        RunId = "20261127-013000",
        StartedAt = new DateTimeOffset(2026, 11, 27, 1, 30, 0, TimeSpan.Zero),
        Profile = "quick",
        Status = "complete",
        Environment = new EnvironmentInfo(
            "Linux", "Test CPU", 2, 23.4, ".NET 10.0.0 x64", "workstation, concurrent", "abc1234", "bench run"),
        Results =
        [
            Result("rtt", "websocket", 200),
            Result("rtt", "webhook", 300, ["offered load not achieved: 99.5/s of 100.0/s."]),
            Result("push", "websocket", 1500),
            Result("push", "webhook", 1500),
        ],
    };
}
