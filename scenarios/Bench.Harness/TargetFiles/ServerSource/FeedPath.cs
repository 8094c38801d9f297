using System.Text.Json;

namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// A value in each message of a system that publishes on its own (<c>sequence: $.seq</c>), written as
/// <c>envelope.json</c> is (<see cref="EnvelopePath"/>: <c>$.a.b</c>, a number indexes an array).
/// </summary>
public sealed record FeedPath(EnvelopePath Path)
{
    public string Text => Path.Text;

    /// <summary>The value at the path; throws <see cref="FormatException"/> naming the path when the message has none.</summary>
    public JsonElement Find(JsonElement root)
    {
        var at = root;
        foreach (var name in Path.Properties)
        {
            if (at.ValueKind == JsonValueKind.Array && int.TryParse(name, out var index) && index >= 0 && index < at.GetArrayLength())
            {
                at = at[index];
            }
            else if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(name, out at))
            {
                throw new FormatException($"the message has no {Text}");
            }
        }

        return at;
    }

    /// <summary>The sequence number at the path: a whole number, or a string holding one.</summary>
    public long Sequence(JsonElement root)
    {
        var value = Find(root);
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var s) => s,
            _ => throw new FormatException($"{Text} is not a whole number"),
        };
    }
}
