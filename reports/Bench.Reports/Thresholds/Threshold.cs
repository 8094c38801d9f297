using System.Globalization;
using System.Text.RegularExpressions;

namespace Bench.Reports.Thresholds;

/// <summary>How a threshold compares a case's value with its limit.</summary>
public enum ThresholdOperator
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

/// <summary>
/// An absolute pass/fail rule on one metric of one scenario, in the spirit of k6's thresholds:
/// <c>push.p99 &lt; 50ms</c>, <c>push.lost == 0</c>, <c>saturation.max_rate &gt; 5000/s</c>. Every case of the scenario
/// (each transport and variant) is held to it, or with a transport or target named first (<c>websocket: push.p99 &lt; 2ms</c>,
/// as a target file's <c>thresholds:</c> are stored) only that one's cases. With <see cref="AbortOnFail"/>
/// (<c>push.lost == 0, abort-on-fail</c>)
/// the run stops after the first case that fails it.
/// </summary>
public sealed partial record Threshold(
    string Text, string Scenario, ThresholdMetric Metric, ThresholdOperator Operator, double Limit, bool AbortOnFail)
{
    /// <summary>The transport or target whose cases alone are held to it; null: every case of the scenario.</summary>
    public string? Transport { get; init; }

    /// <summary>Whether <paramref name="value"/> holds; a value not measured never does.</summary>
    public bool Holds(double value) => !double.IsNaN(value) && Operator switch
    {
        ThresholdOperator.Less => value < Limit,
        ThresholdOperator.LessOrEqual => value <= Limit,
        ThresholdOperator.Greater => value > Limit,
        ThresholdOperator.GreaterOrEqual => value >= Limit,
        ThresholdOperator.Equal => value == Limit,
        _ => value != Limit,
    };

    /// <summary>
    /// Reads one expression; a wrong one throws <see cref="FormatException"/> with one line naming it and what is wrong.
    /// <paramref name="scenarios"/> are the scenario names a threshold may name (null: any, as when a stored run is
    /// re-rendered: its thresholds were checked when it ran).
    /// </summary>
    public static Threshold Parse(string text, IReadOnlyCollection<string>? scenarios)
    {
        var m = Expression().Match(text);
        if (!m.Success)
        {
            throw Wrong(text, "expected [<transport>:] <scenario>.<metric> <op> <value>[unit][, abort-on-fail], e.g. 'push.p99 < 50ms'");
        }

        var scenario = m.Groups["scenario"].Value;
        if (scenarios is not null && !scenarios.Contains(scenario))
        {
            throw Wrong(text, $"unknown scenario '{scenario}' (one of {string.Join(", ", scenarios)})");
        }

        var name = m.Groups["metric"].Value;
        var metric = ThresholdMetrics.Find(name)
            ?? throw Wrong(text, $"unknown metric '{name}' (one of {string.Join(", ", ThresholdMetrics.All.Select(x => x.Name))})");
        var op = m.Groups["op"].Value switch
        {
            "<" => ThresholdOperator.Less,
            "<=" => ThresholdOperator.LessOrEqual,
            ">" => ThresholdOperator.Greater,
            ">=" => ThresholdOperator.GreaterOrEqual,
            "==" => ThresholdOperator.Equal,
            _ => ThresholdOperator.NotEqual,
        };
        var given = m.Groups["value"].Value;
        if (!double.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw Wrong(text, $"'{given}' is not a number");
        }

        var limit = InMetricUnit(text, metric, number, m.Groups["unit"].Value);
        return new Threshold(text.Trim(), scenario, metric, op, limit, m.Groups["abort"].Success)
        {
            Transport = m.Groups["transport"].Success ? m.Groups["transport"].Value : null,
        };
    }

    /// <summary>The expression with its limit as the report shows values (<c>push.p99 &lt; 50.0 ms</c>).</summary>
    public string Describe() =>
        (Transport is null ? "" : Transport + ": ") + $"{Scenario}.{Metric.Name} {Symbol(Operator)} {Metric.Format(Limit)}";

    public static string Symbol(ThresholdOperator op) => op switch
    {
        ThresholdOperator.Less => "<",
        ThresholdOperator.LessOrEqual => "<=",
        ThresholdOperator.Greater => ">",
        ThresholdOperator.GreaterOrEqual => ">=",
        ThresholdOperator.Equal => "==",
        _ => "!=",
    };

    private static double InMetricUnit(string text, ThresholdMetric metric, double number, string unit)
    {
        var (factor, expected) = metric.Kind switch
        {
            ThresholdKind.Duration => (unit switch { "us" or "µs" => 1, "ms" => 1000, "s" => 1e6, _ => double.NaN }, "us, ms or s"),
            ThresholdKind.Count => (unit.Length == 0 ? 1 : double.NaN, "no unit"),
            ThresholdKind.Rate => (unit == "/s" ? 1 : double.NaN, "/s"),
            ThresholdKind.Percent => (unit == "%" ? 1 : double.NaN, "%"),
            _ => (unit == "MiB" ? 1 : double.NaN, "MiB"),
        };
        return double.IsNaN(factor)
            ? throw Wrong(text, $"{metric.Name} takes {expected}" + (unit.Length == 0 ? ", and none was given" : $", not '{unit}'"))
            : number * factor;
    }

    private static FormatException Wrong(string text, string why) => new($"threshold '{text}': {why}");

    private const string Pattern = @"^\s*(?:(?<transport>[A-Za-z0-9][A-Za-z0-9._-]*)\s*:\s*)?"
        + @"(?<scenario>[a-z][a-z0-9_-]*)\.(?<metric>[a-z0-9_]+)\s*(?<op><=|>=|==|!=|<|>)\s*"
        + @"(?<value>[-+0-9.eE]+)\s*(?<unit>us|µs|ms|s|/s|%|MiB)?\s*(?<abort>,\s*abort-on-fail)?\s*$";

    [GeneratedRegex(Pattern)]
    private static partial Regex Expression();
}
