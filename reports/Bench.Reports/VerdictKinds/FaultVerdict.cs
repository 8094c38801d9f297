using System.Globalization;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// The faults scenario's answer, per fault: who lost events and how many — with and without resume or durability, each
/// setup's guarantee named — then how long until the fault was noticed, until every subscriber had deliveries again,
/// and until the backlog was drained. Losses are exact counts; the times are one measurement each.
/// </summary>
internal sealed class FaultVerdict : IScenarioVerdict
{
    /// <summary>The at-a-glance figure of events lost.</summary>
    public const string LostFigure = "lost";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public bool IsAvailable(VerdictInput input) => Faulted(input).Count > 0;

    public IEnumerable<string> Lines(VerdictInput input)
    {
        foreach (var fault in Faulted(input).GroupBy(r => r.Resilience!.Fault, StringComparer.Ordinal))
        {
            var results = fault.ToList();
            var head = $"**{fault.Key}: {WhoLost(results)}.** Losses are exact counts; the times are one measurement each.";
            yield return Bullets.Nest(head,
            [
                $"lost: {Labelled.ByTransport(results, r => Lost(r, results))};",
                $"detected after: {Labelled.ByTransport(results, r => Time(r.Resilience!.DetectMs))};",
                $"every subscriber had deliveries again after: {Labelled.ByTransport(results, r => Time(r.Resilience!.RecoverMs))};",
                $"backlog drained after: {Labelled.ByTransport(results, Drain)}.",
            ]);
        }
    }

    public IEnumerable<GlanceRow> Glance(VerdictInput input)
    {
        foreach (var fault in Faulted(input).GroupBy(r => r.Resilience!.Fault, StringComparer.Ordinal))
        {
            foreach (var variant in Labelled.Variants(fault))
            {
                var results = fault.Where(r => r.Variant == variant).ToList();
                var name = Labelled.Case(fault.Key, variant);
                var lost = Row(name, LostFigure, results, r => r.Resilience!.Lost, v => v.ToString("N0", Inv));
                yield return lost with { Reading = NoneLost(results) };
                yield return Row(name, "detect", results, r => r.Resilience!.DetectMs, Millis);
                yield return Row(name, "recover", results, r => r.Resilience!.RecoverMs, Millis);
                yield return Row(name, "backlog drained", results, r => r.Resilience!.DrainMs, Millis);
            }
        }
    }

    public string? SingleMeasurements(VerdictInput input) =>
        "each fault's detect, recover and drain times (losses are exact counts, of one run)";

    private static List<ScenarioResult> Faulted(VerdictInput input) =>
        [.. input.Measured.Where(r => r.Resilience is { Storm: null })];

    /// <summary>
    /// A loss row's reading: who lost nothing, when someone did not — an exact count of this run, not a measurement whose
    /// noise could hide a difference; else the single-measurement rule.
    /// </summary>
    public static string NoneLost(IReadOnlyList<ScenarioResult> results)
    {
        var none = results.Where(r => r.Resilience!.Lost == 0).Select(r => r.Transport).Distinct(StringComparer.Ordinal);
        return none.Any()
            ? "none lost: " + string.Join(", ", none)
            : SingleReading.Of([.. results.Select(r => (r.Transport, (double)r.Resilience!.Lost))], higherIsBetter: false);
    }

    /// <summary>"websocket and sse lost events; webhook lost none": who lost, by transport and variant.</summary>
    private static string WhoLost(IReadOnlyList<ScenarioResult> results)
    {
        var lost = results.Where(r => r.Resilience!.Lost > 0).Select(Markdown.MarkdownReport.Label).ToList();
        var kept = results.Where(r => r.Resilience!.Lost == 0).Select(Markdown.MarkdownReport.Label).ToList();
        return (lost.Count, kept.Count) switch
        {
            (0, _) => "no event was lost",
            (_, 0) => $"{Labelled.And(lost)} lost events",
            _ => $"{Labelled.And(lost)} lost events; {Labelled.And(kept)} lost none",
        };
    }

    /// <summary>
    /// "3,350 (in-memory, best effort)", or "0 (durable, at least once; 2 duplicated; 9,585 retries)": the guarantee is
    /// named once per transport, and again for a variant only where it differs; duplicates, disorder, refused publishes
    /// and retries where there were any.
    /// </summary>
    public static string Lost(ScenarioResult r, IReadOnlyList<ScenarioResult> results)
    {
        var x = r.Resilience!;
        var notes = new List<string>();
        var own = Short(r.Guarantee);
        var first = results.First(o => o.Transport == r.Transport && (o.Variant == "default" || o == r));
        if (own is not null && (first == r || own != Short(first.Guarantee)))
        {
            notes.Add(own);
        }

        notes.AddRange(new (long Count, string What)[]
            {
                (x.Duplicated, "duplicated"), (x.OutOfOrder, "out of order"),
                (x.Rejected, "publishes refused"), (x.WebhookRetries, "retries"),
            }
            .Where(n => n.Count > 0).Select(n => n.Count.ToString("N0", Inv) + " " + n.What));

        var count = x.Lost.ToString("N0", Inv);
        return notes.Count == 0 ? count : $"{count} ({string.Join("; ", notes)})";
    }

    /// <summary>A guarantee's name, without its explanation: "durable, at least once".</summary>
    private static string? Short(string? guarantee) => guarantee?.Split(':')[0];

    private static string Drain(ScenarioResult r) => r.Resilience! switch
    {
        { PendingAtEnd: > 0 } x => x.PendingAtEnd.ToString("N0", Inv) + " still pending at the end",
        { DrainMs: { } ms } => Formats.Milliseconds(ms * 1000),
        _ => "no backlog",
    };

    private static string Time(double? ms) => ms is { } v ? Formats.Milliseconds(v * 1000) : "not observed";

    private static string Millis(double v) => Formats.Milliseconds(v * 1000);

    private static GlanceRow Row(string name, string figure, IReadOnlyList<ScenarioResult> results, Func<ScenarioResult, double?> value,
        Func<double, string> format)
    {
        var present = results.Where(r => value(r) is not null).Select(r => (Label: r.Transport, Value: value(r)!.Value)).ToList();
        var cells = results.GroupBy(r => r.Transport, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => value(g.First()) is { } v ? format(v) : "–", StringComparer.Ordinal);
        return new GlanceRow(name, figure, cells, SingleReading.Of(present, higherIsBetter: false));
    }
}
