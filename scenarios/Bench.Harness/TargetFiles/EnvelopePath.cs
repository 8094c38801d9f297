using System.Text.Json;
using Bench.Targets.Events;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// Where Bench's envelope sits in what a subscriber receives: <c>$</c> (the whole message) or a dotted path of
/// property names (<c>$.data</c>, <c>$.message.body</c>; a number indexes an array). The value there is the envelope
/// object, or a string holding it.
/// </summary>
public sealed record EnvelopePath(IReadOnlyList<string> Properties, string Text)
{
    public static bool TryParse(string text, out EnvelopePath path)
    {
        path = new EnvelopePath([], "$");
        if (text == "$")
        {
            return true;
        }

        if (!text.StartsWith("$.", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text[2..].Split('.');
        if (parts.Any(p => p.Length == 0 || p.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))))
        {
            return false;
        }

        path = new EnvelopePath(parts, text);
        return true;
    }

    /// <summary>Finds the envelope in a JSON message; throws <see cref="FormatException"/> saying what was missing.</summary>
    public EnvelopeFields Read(ReadOnlySpan<byte> message)
    {
        if (Properties.Count == 0)
        {
            return EventEnvelope.Read(message);
        }

        var reader = new Utf8JsonReader(message);
        using var document = JsonDocument.ParseValue(ref reader);
        return Read(document.RootElement);
    }

    /// <summary>The same, from a parsed value (a SignalR argument).</summary>
    public EnvelopeFields Read(JsonElement root)
    {
        var at = root;
        foreach (var name in Properties)
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

        return at.ValueKind switch
        {
            JsonValueKind.Object => EventEnvelope.Read(System.Text.Encoding.UTF8.GetBytes(at.GetRawText())),
            JsonValueKind.String => EventEnvelope.Read(System.Text.Encoding.UTF8.GetBytes(at.GetString()!)),
            _ => throw new FormatException($"{Text} is neither Bench's envelope nor a string holding it"),
        };
    }
}
