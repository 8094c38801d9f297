using System.Globalization;
using Bench.Reports.Model;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// The saturation search's answer, per mode: the highest rate each transport held, at the search's step resolution
/// (the true limit lies between it and the next step), what stopped it and what limited it — the target, the generator
/// or this machine (<see cref="SaturationLimit"/>). One search each: the highest is named, never as a winner.
/// </summary>
internal sealed class SaturationVerdict : IScenarioVerdict
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string TargetMeans = "Limited by the target means that neither the target nor the generator filled the machine's CPU; "
        + "the run does not record what else was running on it.";

    public bool IsAvailable(VerdictInput input) => Searches(input).Count > 0;

    public IEnumerable<string> Lines(VerdictInput input)
    {
        foreach (var mode in Searches(input).GroupBy(r => r.Saturation!.Mode, StringComparer.Ordinal))
        {
            var results = mode.ToList();
            var held = SingleReading.List(results.Select(r => (Markdown.MarkdownReport.Label(r), Held(r))));
            var head = results.All(r => r.Saturation!.MaxSustainablePerSec == 0)
                ? $"**saturation ({mode.Key}): no transport held even the first step.**"
                : $"**saturation ({mode.Key}), the highest rate held: {held}** — {Reading(results)}.";
            var notes = new List<string> { head, Resolution(results) };
            if (results.Any(r => SaturationLimit.Of(r).Name == SaturationLimit.Target))
            {
                notes.Add(TargetMeans);
            }

            yield return Bullets.Nest(string.Join(" ", notes.Where(n => n.Length > 0)), results.Select(Stopped));
        }
    }

    public IEnumerable<GlanceRow> Glance(VerdictInput input)
    {
        foreach (var mode in Searches(input).GroupBy(r => r.Saturation!.Mode, StringComparer.Ordinal))
        {
            var results = mode.Where(r => r.Variant == "default").DistinctBy(r => r.Transport, StringComparer.Ordinal).ToList();
            var name = $"saturation ({mode.Key})";
            yield return new GlanceRow(name, "max sustainable rate", Cells(results, Held), Reading(results));
            var next = Cells(results, r => Breached(r) is { } b ? Rate(b.OfferedPerSec) : "none");
            yield return new GlanceRow(name, "next step (breached)", next, "");
            yield return new GlanceRow(name, "limited by", Cells(results, r => SaturationLimit.Of(r).Name), "");
        }
    }

    public string? SingleMeasurements(VerdictInput input) => "saturation's highest rates (one search each)";

    private static List<ScenarioResult> Searches(VerdictInput input) => [.. input.Measured.Where(r => r.Saturation is not null)];

    /// <summary>The highest rate held, or "below 400/s" when the first step breached.</summary>
    private static string Held(ScenarioResult r) => r.Saturation! switch
    {
        { MaxSustainablePerSec: > 0 } s => Rate(s.MaxSustainablePerSec),
        { Steps.Count: > 0 } s => "below " + Rate(s.Steps[0].OfferedPerSec),
        _ => "none",
    };

    private static string Reading(IReadOnlyList<ScenarioResult> results) => results.All(r => r.Saturation!.MaxSustainablePerSec == 0)
        ? "no step held"
        : SingleReading.Of([.. results.Select(r => (Markdown.MarkdownReport.Label(r), r.Saturation!.MaxSustainablePerSec))], true)
            .Replace("one measurement", "one search each", StringComparison.Ordinal);

    /// <summary>How far apart the steps were, from the steps themselves: the resolution of every figure above.</summary>
    private static string Resolution(IReadOnlyList<ScenarioResult> results)
    {
        var steps = results.Select(r => r.Saturation!.Steps).FirstOrDefault(s => s.Count >= 2 && s[0].OfferedPerSec > 0);
        return steps is null
            ? ""
            : string.Create(Inv, $"Steps were {steps[1].OfferedPerSec / steps[0].OfferedPerSec:0.##}× apart, ")
                + "so each limit lies between the rate held and the next step.";
    }

    /// <summary>"websocket: 2,025/s breached (p99 80.0 ms above the 50.0 ms SLO); limited by the target (…)".</summary>
    private static string Stopped(ScenarioResult r)
    {
        var limit = SaturationLimit.Of(r);
        var label = Markdown.MarkdownReport.Label(r);
        return Breached(r) is { } step
            ? $"{label}: {Rate(step.OfferedPerSec)} breached ({step.Breach}); limited by {limit.Name} ({limit.Detail})."
            : $"{label}: {limit.Detail}.";
    }

    private static SaturationStep? Breached(ScenarioResult r) => r.Saturation!.Steps.FirstOrDefault(s => s.Breach is not null);

    private static string Rate(double perSec) => perSec.ToString("N0", Inv) + "/s";

    private static Dictionary<string, string> Cells(IReadOnlyList<ScenarioResult> results, Func<ScenarioResult, string> cell) =>
        results.ToDictionary(r => r.Transport, cell, StringComparer.Ordinal);
}
