using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Thresholds;

/// <summary>What a threshold's limit is measured in, and so which units its expression may carry.</summary>
public enum ThresholdKind
{
    /// <summary>A duration: the value in µs; the limit takes <c>us</c>, <c>µs</c>, <c>ms</c> or <c>s</c>.</summary>
    Duration,

    /// <summary>A count of events or deliveries: a plain number.</summary>
    Count,

    /// <summary>A rate: the limit takes <c>/s</c>.</summary>
    Rate,

    /// <summary>A share of a core or of a machine: the limit takes <c>%</c>.</summary>
    Percent,

    /// <summary>Memory: the limit takes <c>MiB</c>.</summary>
    MiB,
}

/// <summary>
/// A metric a threshold can name (<c>push.p99</c>: the scenario, then this <see cref="Name"/>): how to read it from one
/// case, and its 95 % interval where the run has one. Built on the report's <see cref="MetricCatalog"/> where the figure
/// is one of its metrics, so a threshold and the report's tables read the same number.
/// </summary>
public sealed record ThresholdMetric(string Name, ThresholdKind Kind, string Description, Func<ScenarioResult, double> Value)
{
    /// <summary>The 95 % interval of the value in one case, or null (a single measurement, or too few blocks).</summary>
    public Func<ScenarioResult, (double Low, double High)?> Interval { get; init; } = _ => null;

    /// <summary>Shows a value of this metric as the report does.</summary>
    public string Format(double value) => double.IsNaN(value) ? "not measured" : Kind switch
    {
        ThresholdKind.Duration => value < 1000 ? Micro(value) : Formats.Milliseconds(value),
        ThresholdKind.Count => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        ThresholdKind.Rate => value.ToString(value >= 100 ? "N0" : "N1", System.Globalization.CultureInfo.InvariantCulture) + "/s",
        ThresholdKind.Percent => value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " %",
        _ => value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MiB",
    };

    private static string Micro(double us) =>
        us.ToString(us < 10 ? "0.00" : "0.0", System.Globalization.CultureInfo.InvariantCulture) + " µs";
}
