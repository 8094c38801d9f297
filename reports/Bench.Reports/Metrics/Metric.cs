using System.Globalization;
using Bench.Reports.Model;

namespace Bench.Reports.Metrics;

/// <summary>Which way a metric improves.</summary>
public enum Better
{
    Lower,
    Higher,

    /// <summary>Neither: the figure describes the load, not the transport (offered rate, sent).</summary>
    Neither,
}

/// <summary>How a metric's raw value is shown.</summary>
public enum MetricUnit
{
    /// <summary>Stored in µs, shown in ms.</summary>
    Microseconds,

    /// <summary>Stored and shown in ms.</summary>
    Milliseconds,
    PerSecond,
    Count,
    Percent,
    Seconds,
    MiB,
}

/// <summary>A metric declared once: its key, its column header, its unit, which way is better and how to read it from a result.</summary>
public sealed record Metric(string Key, string Header, MetricUnit Unit, Better Better, Func<ScenarioResult, double> Value)
{
    /// <summary>For a latency percentile, which one: the bootstrap recomputes it from the measured seconds.</summary>
    public double? Percentile { get; init; }

    public string Format(ScenarioResult result) => FormatValue(Value(result));

    public string FormatValue(double v) => double.IsNaN(v) ? "–" : Unit switch
    {
        MetricUnit.Microseconds => Formats.Milliseconds(v),
        MetricUnit.Milliseconds => Formats.Milliseconds(v * 1000),
        MetricUnit.PerSecond => v.ToString(v >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture) + "/s",
        MetricUnit.Count => v.ToString("N0", CultureInfo.InvariantCulture),
        MetricUnit.Percent => v.ToString("0.0", CultureInfo.InvariantCulture) + " %",
        MetricUnit.Seconds => v.ToString("0.00", CultureInfo.InvariantCulture) + " s",
        MetricUnit.MiB => v.ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => v.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>Number formats shared by tables and charts; always the invariant culture.</summary>
public static class Formats
{
    /// <summary>Microseconds as milliseconds with three significant figures or more: 0.123 ms, 1.23 ms, 12.3 ms, 123 ms.</summary>
    public static string Milliseconds(double micros)
    {
        var ms = micros / 1000.0;
        var format = ms switch
        {
            < 1 => "0.000",
            < 10 => "0.00",
            < 100 => "0.0",
            _ => "N0",
        };
        return ms.ToString(format, CultureInfo.InvariantCulture) + " ms";
    }

    public static string Ratio(double ratio) => ratio.ToString(ratio >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + "×";
}
