using System.CommandLine;
using System.Globalization;
using Bench.Harness;

namespace Bench.Scenarios.Cli;

/// <summary>Option builders shared by the commands, each reporting bad values with the option's name.</summary>
internal static class CliOptions
{
    /// <summary>A duration of 0 or more (<c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>).</summary>
    public static Option<TimeSpan?> Duration(string name, string description) =>
        Parsed(name, description, (string text, out TimeSpan value) => Durations.TryParse(text, out value) && value >= TimeSpan.Zero,
            "is not a duration of 0 or more (write it as 500ms, 10s, 2m or 1h)");

    /// <summary>A duration of more than 0: a timeout or an interval.</summary>
    public static Option<TimeSpan?> PositiveDuration(string name, string description) =>
        Parsed(name, description, (string text, out TimeSpan value) => Durations.TryParse(text, out value) && value > TimeSpan.Zero,
            "is not a duration of more than 0 (write it as 500ms, 10s, 2m or 1h)");

    /// <summary>
    /// A text option (a path, a name, an address), checked where it is used; <paramref name="helpName"/> names its value.
    /// </summary>
    public static Option<string?> Text(string name, string description, string? helpName = null) =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>A repeatable text option.</summary>
    public static Option<string[]> Texts(string name, string description, string? helpName = null) =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>An on/off option: given alone it is true; <c>--name false</c> turns it off.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<double?> PositiveDouble(string name, string description) =>
        Parsed(name, description, (string text, out double value) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && double.IsFinite(value),
            "is not a positive number");

    /// <summary>The gate's <c>--normalize</c>: latencies adjusted for each launch's loopback probe.</summary>
    public static Option<bool> Normalize() => new("--normalize")
    {
        Description = "Adjust latencies for each launch's loopback echo probe (measured by the ci profile) "
            + "before gating, removing the launch-to-launch noise the probe explains; see docs/ci.md.",
    };

    public static Option<int?> NonNegativeInt(string name, string description) =>
        Parsed(name, description, (string text, out int value) =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= 0,
            "is not a whole number of 0 or more");

    public static Option<int?> PositiveInt(string name, string description) =>
        Parsed(name, description, (string text, out int value) =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value > 0,
            "is not a positive whole number");

    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>An option whose single value is parsed by <paramref name="tryParse"/>; a bad value is an error naming the option.</summary>
    private static Option<T?> Parsed<T>(string name, string description, TryParse<T> tryParse, string problem)
        where T : struct => new(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (tryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"{name}: '{text}' {problem}");
                return null;
            },
        };
}
