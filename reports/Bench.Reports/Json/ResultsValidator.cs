using System.Collections;
using System.Reflection;
using Bench.Reports.Histograms;

namespace Bench.Reports.Json;

/// <summary>
/// Checks a results file read from disk before anything renders it, so a hand-edited or damaged file is refused with
/// the field that is wrong rather than drawn wrong or crashing the report: no negative count, size or rate (only a
/// second before measuring began, a delta, a slope, a gap or a timestamp may be below zero); every histogram decodes.
/// </summary>
public static class ResultsValidator
{
    /// <summary>Number properties that may be negative: seconds of warm-up, differences, slopes, timestamps.</summary>
    private static readonly HashSet<string> Signed = new(StringComparer.Ordinal)
    {
        "Second", "FromSec", "ToSec", "DeltaPct", "Delta", "Slope", "Intercept", "LowerUs", "UpperUs", "Lower", "Upper",
        "Effect", "MarginalUs", "MarginalLowerUs", "MarginalUpperUs", "ChangePct", "OffsetSec", "AtSec", "StartSec",
        "EndSec", "Seconds", "Correlation", "ZScore", "Shift",
        // Memory growth per subscriber: a process can give back more (earlier cases' memory) than its subscribers take.
        "RssKiBPerSubscriber", "ManagedKiBPerSubscriber", "HarnessRssKiBPerSubscriber",
    };

    /// <summary>The first problem found, as "path: what is wrong", or null when the results may be rendered.</summary>
    public static string? Problem(object results) => Walk(results, "results", depth: 0);

    private static string? Walk(object? value, string path, int depth)
    {
        if (value is null || depth > 16)
        {
            return null;
        }

        var type = value.GetType();
        if (type.IsPrimitive || value is string or decimal or DateTime or DateTimeOffset or TimeSpan || type.IsEnum)
        {
            return null;
        }

        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                var problem = CheckNumber(entry.Value, $"{path}.{entry.Key}", "value") ?? Walk(entry.Value, $"{path}.{entry.Key}", depth + 1);
                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                if (Walk(item, $"{path}[{i++}]", depth + 1) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
            {
                continue;
            }

            var child = property.GetValue(value);
            var childPath = path + "." + char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var problem = CheckNumber(child, childPath, property.Name) ?? CheckHistogram(child, childPath, property.Name) ?? Walk(child, childPath, depth + 1);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? CheckNumber(object? value, string path, string name)
    {
        var negative = value switch
        {
            int i => i < 0,
            long l => l < 0,
            double d => d < 0 || double.IsInfinity(d),
            _ => false,
        };
        if (value is double nan && double.IsNaN(nan))
        {
            return null; // "not measured" is written as NaN by some writers; the report shows it as –
        }

        return negative && !Signed.Contains(name) ? $"{path} is {value}; it cannot be negative or infinite" : null;
    }

    private static string? CheckHistogram(object? value, string path, string name)
    {
        if (name != "Histogram" || value is not string { Length: > 0 } encoded)
        {
            return null;
        }

        try
        {
            _ = HistogramCodec.Decode(encoded);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IndexOutOfRangeException
            or InvalidDataException or IOException or OverflowException or NotSupportedException)
        {
            return $"{path} is not a histogram (base64 of an HdrHistogram V2 encoding): {e.Message}";
        }
    }
}
