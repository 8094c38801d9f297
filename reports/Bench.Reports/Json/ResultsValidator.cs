using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using Bench.Reports.Histograms;

namespace Bench.Reports.Json;

/// <summary>
/// Checks a results file read from disk before anything renders it, so a hand-edited or damaged file is refused with
/// the field that is wrong rather than drawn wrong or crashing the report: no negative count, size or rate (only a
/// second before measuring began, a delta, a slope, a gap or a timestamp may be below zero); every histogram decodes;
/// no list holds a null; every name that becomes part of a file name is a plain name; no text is longer than
/// <see cref="MaxTextLength"/>.
/// </summary>
public static partial class ResultsValidator
{
    /// <summary>
    /// The longest text a results file may hold outside histograms and event sets: far above any warning, description
    /// or command line Bench writes, far below what would cost memory each time it is rendered.
    /// </summary>
    public const int MaxTextLength = 64 * 1024;

    /// <summary>Properties whose value becomes part of a file name (charts, <c>.hlog</c>): <see cref="SafeName"/> only.</summary>
    private static readonly HashSet<string> FileNameParts =
        new(StringComparer.Ordinal) { "Scenario", "Transport", "Variant", "Fault", "Mode" };

    /// <summary>Properties that may hold long text: histograms (base64) and a shard's event sets (runs of numbers).</summary>
    private static readonly HashSet<string> LongText = new(StringComparer.Ordinal) { "Histogram", "Accepted", "Measured", "Seen" };

    /// <summary>
    /// Whether <paramref name="name"/> may be part of a file name and a markdown link: 1 to 64 characters of ASCII
    /// letters, digits and <c>. _ + , = @ -</c>, starting with a letter or digit (so never <c>..</c> or a path).
    /// </summary>
    public static bool SafeName(string name) => NamePattern().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+,=@-]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex NamePattern();

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
    public static string? Problem(object results, string root = "results") => Walk(results, root, depth: 0) ?? Thresholds(results, root);

    /// <summary>A stored threshold must read as one did when the run checked it.</summary>
    private static string? Thresholds(object results, string root)
    {
        var stored = (results as Model.RunResults)?.Thresholds ?? [];
        for (var i = 0; i < stored.Count; i++)
        {
            try
            {
                Bench.Reports.Thresholds.Threshold.Parse(stored[i], scenarios: null);
            }
            catch (FormatException e)
            {
                return $"{root}.thresholds[{i}]: {e.Message}";
            }
        }

        return null;
    }

    private static string? Walk(object? value, string path, int depth)
    {
        if (value is null || depth > 16)
        {
            return null;
        }

        // A second that counts values must carry them: the report resamples seconds by their histograms.
        if (value is Model.SecondLatency { Count: > 0, Histogram.Length: 0 } second)
        {
            return $"{path}.histogram is empty, but the second counts {second.Count} values";
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
                if (entry.Key is string { Length: > MaxTextLength } key)
                {
                    return $"{path} has a key of {key.Length} characters; at most {MaxTextLength}";
                }

                var problem = CheckNumber(entry.Value, $"{path}.{entry.Key}", "value")
                    ?? Walk(entry.Value, $"{path}.{entry.Key}", depth + 1);
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
                var itemPath = $"{path}[{i++}]";
                if (item is null)
                {
                    return $"{itemPath} is null";
                }

                if (item is string { Length: > MaxTextLength } text)
                {
                    return $"{itemPath} is {text.Length} characters long; at most {MaxTextLength}";
                }

                if (Walk(item, itemPath, depth + 1) is { } problem)
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

            // What the file holds, by the names it holds them under: a view the model computes is not in the file.
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
            {
                continue;
            }

            var child = property.GetValue(value);
            var childPath = path + "." + (property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                ?? char.ToLowerInvariant(property.Name[0]) + property.Name[1..]);

            // The reader refuses an explicit null where the model has no "?", but leaves a property the file omits at
            // null when it is init-only (the source generator sets every one): refused here instead of met while rendering.
            if (child is null && !property.PropertyType.IsValueType
                && new NullabilityInfoContext().Create(property).ReadState == NullabilityState.NotNull)
            {
                return $"{childPath} is missing or null";
            }

            var problem = CheckNumber(child, childPath, property.Name) ?? CheckText(child, childPath, property.Name)
                ?? CheckHistogram(child, childPath, property.Name) ?? Walk(child, childPath, depth + 1);
            if (problem is not null)
            {
                return problem;
            }
        }

        // A case's warning details name a kind and match its warnings one for one (files without them are older).
        return value is Model.ScenarioResult result
            ? Warnings.WarningList.Problem(result.WarningTexts, result.WarningDetails, path)
            : null;
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

    private static string? CheckText(object? value, string path, string name)
    {
        if (value is not string text)
        {
            return null;
        }

        if (FileNameParts.Contains(name) && !SafeName(text))
        {
            var shown = text.Length > 40 ? text[..40] + "…" : text;
            return $"{path} is '{Printable(shown)}'; a name is 1 to 64 letters, digits or . _ + , = @ - (it becomes part of a file name)";
        }

        return text.Length > MaxTextLength && !LongText.Contains(name)
            ? $"{path} is {text.Length} characters long; at most {MaxTextLength}"
            : null;
    }

    /// <summary>Text safe to print on one line: control characters shown as '?'.</summary>
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c));

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
