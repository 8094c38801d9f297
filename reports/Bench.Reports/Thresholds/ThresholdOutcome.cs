using Bench.Reports.Model;

namespace Bench.Reports.Thresholds;

/// <summary>
/// One threshold held against one case: the case's value and its 95 % interval (null when the figure is a single
/// measurement), and whether it held. <see cref="Case"/> is null when no case of the scenario ran: the threshold then fails
/// (a rule about something not measured is not met).
/// </summary>
public sealed record ThresholdOutcome(
    Threshold Threshold, ScenarioResult? Case, double Value, (double Low, double High)? Interval)
{
    /// <summary>Whether the value holds the threshold; a value not measured (NaN) never does.</summary>
    public bool Held => Threshold.Holds(Value);

    /// <summary>The case's name as the report writes it (<c>push/websocket</c>, <c>push/sse/resume</c>).</summary>
    public string CaseName => Case is null
        ? (Threshold.Transport is null ? Threshold.Scenario : $"{Threshold.Scenario}/{Threshold.Transport}") + " (did not run)"
        : Case.Variant == "default" ? $"{Case.Scenario}/{Case.Transport}" : $"{Case.Scenario}/{Case.Transport}/{Case.Variant}";

    /// <summary>True when the interval reaches across the limit: another launch could come out the other way.</summary>
    public bool Uncertain => Interval is var (low, high) && Threshold.Holds(low) != Threshold.Holds(high);

    /// <summary>Every threshold against every measured case of its scenario, in the thresholds' order, then the cases'.</summary>
    public static IReadOnlyList<ThresholdOutcome> Evaluate(IEnumerable<Threshold> thresholds, IReadOnlyList<ScenarioResult> results)
    {
        var outcomes = new List<ThresholdOutcome>();
        foreach (var t in thresholds)
        {
            var cases = results
                .Where(r => r.Scenario == t.Scenario && r.IsMeasured && (t.Transport is null || r.Transport == t.Transport)).ToList();
            if (cases.Count == 0)
            {
                outcomes.Add(new ThresholdOutcome(t, null, double.NaN, null));
                continue;
            }

            foreach (var r in cases)
            {
                var value = t.Metric.Value(r);
                outcomes.Add(new ThresholdOutcome(t, r, value, double.IsNaN(value) ? null : t.Metric.Interval(r)));
            }
        }

        return outcomes;
    }
}
