using System.Globalization;
using System.Text.Json;

namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// The clock a system's timestamp is written in (<c>timestamp.clock</c>): Unix milliseconds or microseconds (a JSON
/// number, or a string holding one), or an ISO 8601 date and time with its offset. Read as Unix microseconds.
/// </summary>
public sealed record FeedClock(string Name)
{
    public static readonly FeedClock UnixMs = new("unix-ms");
    public static readonly FeedClock UnixUs = new("unix-us");
    public static readonly FeedClock Iso8601 = new("iso8601");

    public static IReadOnlyList<FeedClock> All { get; } = [UnixMs, UnixUs, Iso8601];

    /// <summary>
    /// The timestamp at <paramref name="value"/> as Unix microseconds; throws <see cref="FormatException"/> saying why not.
    /// </summary>
    public long UnixMicroseconds(JsonElement value)
    {
        if (this == Iso8601)
        {
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException("not an ISO 8601 string");
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                throw new FormatException($"'{text}' is not an ISO 8601 date and time");
            }

            return (at.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / 10;
        }

        var number = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) => s,
            _ => throw new FormatException($"not a whole number of {(this == UnixMs ? "milliseconds" : "microseconds")}"),
        };
        return this == UnixMs ? checked(number * 1000) : number;
    }

    public override string ToString() => Name;
}
