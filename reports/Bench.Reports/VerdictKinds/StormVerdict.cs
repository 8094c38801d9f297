using System.Globalization;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// The reconnect storm's answer: per transport, whether every subscriber came back (for webhooks, whether the backlog
/// drained) and how long after the fault, how many were back at the end when not all were, and what was lost or
/// redelivered, each setup's guarantee named. One measurement each.
/// </summary>
internal sealed class StormVerdict : IScenarioVerdict
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public bool IsAvailable(VerdictInput input) => Storms(input).Count > 0;

    public IEnumerable<string> Lines(VerdictInput input)
    {
        var storms = Storms(input);
        var sizes = storms.Select(r => r.Resilience!.Storm!.Subscribers).Distinct().ToList();
        var size = sizes.Count == 1 ? sizes[0].ToString("N0", Inv) + " subscribers a transport" : "subscribers as below";
        var back = storms.Where(r => r.Resilience!.Storm!.AllBackMs is not null).ToList();
        var head = back.Count switch
        {
            0 => "no transport had every subscriber back within the run",
            _ when back.Count == storms.Count => "every transport had every subscriber back",
            _ => $"{Labelled.And([.. back.Select(Markdown.MarkdownReport.Label)])} had every subscriber back within the run",
        };
        yield return Bullets.Nest($"**storm ({size}): {head}.** One measurement each.",
        [
            $"after the fault: {Labelled.ByTransport(storms, Back)};",
            $"lost: {Labelled.ByTransport(storms, r => FaultVerdict.Lost(r, storms))}.",
        ]);
    }

    public IEnumerable<GlanceRow> Glance(VerdictInput input)
    {
        var storms = Storms(input);
        foreach (var variant in Labelled.Variants(storms))
        {
            var results = storms.Where(r => r.Variant == variant).DistinctBy(r => r.Transport, StringComparer.Ordinal).ToList();
            var name = Labelled.Case("storm", variant);
            var timed = results.Where(r => r.Resilience!.Storm!.AllBackMs is not null)
                .Select(r => (Label: r.Transport, Value: r.Resilience!.Storm!.AllBackMs!.Value)).ToList();
            yield return new GlanceRow(name, "subscribers back at the end", Cells(results, Returned), "exact count");
            var after = Cells(results, r => r.Resilience!.Storm!.AllBackMs is { } ms
                ? Formats.Milliseconds(ms * 1000)
                : "not within the run");
            var reading = timed.Count switch
            {
                0 => "none back within the run",
                _ when timed.Count == results.Count => SingleReading.Of(timed, higherIsBetter: false),
                _ => "back within the run: " + string.Join(", ", timed.Select(t => t.Label)),
            };
            yield return new GlanceRow(name, "all back after", after, reading);
            var lost = Cells(results, r => r.Resilience!.Lost.ToString("N0", Inv));
            yield return new GlanceRow(name, FaultVerdict.LostFigure, lost, FaultVerdict.NoneLost(results));
        }
    }

    public string? SingleMeasurements(VerdictInput input) => "the storm's time until all were back";

    private static List<ScenarioResult> Storms(VerdictInput input) => [.. input.Measured.Where(r => r.Resilience?.Storm is not null)];

    /// <summary>"all 5,000 back after 8.30 s", or "4,210 of 5,000 connected at the end of the run".</summary>
    private static string Back(ScenarioResult r)
    {
        var s = r.Resilience!.Storm!;
        var pending = s.Watched == "pending";
        if (s.AllBackMs is { } ms)
        {
            var what = pending ? "backlog drained" : $"all {s.Subscribers.ToString("N0", Inv)} back";
            return $"{what} after {Formats.Milliseconds(ms * 1000)}";
        }

        return s.Points.Count == 0
            ? "not all back within the run"
            : pending
                ? $"{s.Points[^1].Value.ToString("N0", Inv)} deliveries still pending at the end of the run"
                : $"{s.Points[^1].Value.ToString("N0", Inv)} of {s.Subscribers.ToString("N0", Inv)} connected at the end of the run";
    }

    /// <summary>Subscribers back at the end: connected, or for webhooks every endpoint once nothing is pending.</summary>
    private static string Returned(ScenarioResult r)
    {
        var s = r.Resilience!.Storm!;
        if (s.Watched == "pending")
        {
            return s.AllBackMs is not null || s.Points is [.., { Value: 0 }]
                ? "nothing pending"
                : (s.Points.Count > 0 ? s.Points[^1].Value.ToString("N0", Inv) : "?") + " pending";
        }

        var connected = s.Points.Count > 0 ? s.Points[^1].Value : 0;
        return $"{connected.ToString("N0", Inv)} of {s.Subscribers.ToString("N0", Inv)}";
    }

    private static Dictionary<string, string> Cells(IReadOnlyList<ScenarioResult> results, Func<ScenarioResult, string> cell) =>
        results.ToDictionary(r => r.Transport, cell, StringComparer.Ordinal);
}
