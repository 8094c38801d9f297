using System.Globalization;

namespace Bench.Harness;

/// <summary>
/// Durations as people write them: <c>10s</c>, <c>500ms</c>, <c>2m</c>, <c>1.5s</c>, <c>200us</c>; a bare number is seconds.
/// </summary>
public static class Durations
{
    private static readonly (string Suffix, double Seconds)[] Units = [("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3),
        ("s", 1), ("m", 60), ("h", 3600)];

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var t = text.Trim().ToLowerInvariant();
        var scale = 1.0;
        foreach (var (suffix, seconds) in Units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) && (suffix != "s" || !t.EndsWith("ms", StringComparison.Ordinal))
                && (suffix != "s" || !t.EndsWith("us", StringComparison.Ordinal)))
            {
                t = t[..^suffix.Length];
                scale = seconds;
                break;
            }
        }

        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture, out var number)
            || double.IsNaN(number) || double.IsInfinity(number) || Math.Abs(number * scale) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(number * scale * TimeSpan.TicksPerSecond));
        return true;
    }

    public static string Format(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
