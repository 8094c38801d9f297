using System.CommandLine;
using System.Globalization;

namespace Bench.Scenarios.Cli;

/// <summary>Option builders shared by the commands, each reporting bad values with the option's name.</summary>
internal static class CliOptions
{
    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Durations.TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a duration (write it as 500ms, 10s, 2m or 1h)");
            return null;
        },
    };

    public static Option<double?> PositiveDouble(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a positive number");
            return null;
        },
    };

    public static Option<int?> PositiveInt(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a positive whole number");
            return null;
        },
    };

    /// <summary>A comma-separated list (<c>--transport websocket,webhook</c>); the option may also be repeated.</summary>
    public static IReadOnlyList<string> SplitList(IEnumerable<string>? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v => v.ToLowerInvariant()).Distinct()];
}
