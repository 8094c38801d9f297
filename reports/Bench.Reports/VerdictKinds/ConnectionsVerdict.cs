using System.Globalization;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// The connections scenario's answer: how many subscribers each transport held, the target's memory per subscriber
/// at the largest size, and the time for one event to reach all of them. One measurement each.
/// </summary>
internal sealed class ConnectionsVerdict : IScenarioVerdict
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public bool IsAvailable(VerdictInput input) => Held(input).Count > 0;

    public IEnumerable<string> Lines(VerdictInput input)
    {
        var held = Held(input);
        var sizes = held.Select(r => r.Connections!.Subscribers).Distinct().ToList();
        var size = sizes.Count == 1 ? sizes[0].ToString("N0", Inv) + " subscribers held" : "subscribers as in its section";
        var sentences = new List<string> { $"**connections ({size}).**" };
        var failed = held.Where(r => r.Connections!.Failed > 0).ToList();
        if (failed.Count > 0)
        {
            var counts = failed.Select(r => (Label(r), r.Connections!.Failed.ToString("N0", Inv)));
            sentences.Add($"Failed to connect: {SingleReading.List(counts)}.");
        }

        var memory = held.Where(r => r.Connections!.Memory.Count > 0).ToList();
        if (memory.Count > 0)
        {
            sentences.Add($"Target memory per subscriber: {SingleReading.List(memory.Select(r => (Label(r), Kib(Rss(r)))))}"
                + $" — {SingleReading.Of([.. memory.Select(r => (Label(r), Rss(r)))], higherIsBetter: false)}.");
        }

        var fanned = held.Where(r => r.Connections!.FanOut.Count > 0).ToList();
        if (fanned.Count > 0)
        {
            var times = fanned.Select(r => (Label(r), Formats.Milliseconds(FanOut(r))));
            sentences.Add($"One event to all of them, p50: {SingleReading.List(times)}"
                + $" — {SingleReading.Of([.. fanned.Select(r => (Label(r), (double)FanOut(r)))], higherIsBetter: false)}.");
        }

        yield return string.Join(" ", sentences);
    }

    public IEnumerable<GlanceRow> Glance(VerdictInput input)
    {
        var held = Held(input).GroupBy(r => r.Transport, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var memory = held.Where(r => r.Connections!.Memory.Count > 0).ToList();
        yield return new GlanceRow("connections", "target RSS per subscriber", Cells(memory, r => Kib(Rss(r))),
            SingleReading.Of([.. memory.Select(r => (r.Transport, Rss(r)))], higherIsBetter: false));
        var idle = held.Where(r => r.Connections!.IdleCpuPercent is not null).ToList();
        yield return new GlanceRow("connections", "idle target CPU", Cells(idle, r => Idle(r).ToString("0.00", Inv) + " %"),
            SingleReading.Of([.. idle.Select(r => (r.Transport, Idle(r)))], higherIsBetter: false));
        var fanned = held.Where(r => r.Connections!.FanOut.Count > 0).ToList();
        yield return new GlanceRow("connections", "fan-out to all, p50", Cells(fanned, r => Formats.Milliseconds(FanOut(r))),
            SingleReading.Of([.. fanned.Select(r => (r.Transport, (double)FanOut(r)))], higherIsBetter: false));
    }

    public string? SingleMeasurements(VerdictInput input) => "connections' memory per subscriber, idle CPU and fan-out time";

    private static List<ScenarioResult> Held(VerdictInput input) => [.. input.Measured.Where(r => r.Connections is not null)];

    private static string Label(ScenarioResult r) => Markdown.MarkdownReport.Label(r);

    private static double Rss(ScenarioResult r) => r.Connections!.Memory[^1].RssKiBPerSubscriber;

    private static double Idle(ScenarioResult r) => r.Connections!.IdleCpuPercent!.Value;

    private static long FanOut(ScenarioResult r) => r.Connections!.FanOut[^1].P50Us;

    private static string Kib(double kib) => kib.ToString("N1", Inv) + " KiB";

    private static Dictionary<string, string> Cells(IReadOnlyList<ScenarioResult> results, Func<ScenarioResult, string> cell) =>
        results.ToDictionary(r => r.Transport, cell, StringComparer.Ordinal);
}
