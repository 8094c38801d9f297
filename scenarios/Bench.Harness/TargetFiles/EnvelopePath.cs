using System.Text.Json;
using Bench.Targets.Events;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// Where Bench's envelope sits in what a subscriber receives: <c>$</c> (the whole message) or a dotted path of
/// property names (<c>$.data</c>, <c>$.message.body</c>; a number indexes an array). The value there is the envelope
/// object, or a string holding it. A system that carries Bench's values in fields of its own instead has a
/// <see cref="Mapping"/>: a path for each value (<c>envelope: { seq: $.n, ts: $.sentAt }</c>).
/// </summary>
public sealed record EnvelopePath(IReadOnlyList<string> Properties, string Text)
{
    /// <summary>Where the system carries Bench's id, seq and ts in fields of its own; null when it passes the envelope through.</summary>
    public EnvelopeMapping? Mapping { get; init; }

    /// <summary>The target file's field this is: <c>envelope.json</c>, or <c>envelope</c> for a mapping.</summary>
    public string Field => Mapping is null ? "envelope.json" : "envelope";

    /// <summary>Every path this reads from a message: its own, or a mapping's.</summary>
    public IReadOnlyList<EnvelopePath> Paths => Mapping?.Paths ?? [this];

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
        if (Properties.Count == 0 && Mapping is null)
        {
            return EventEnvelope.Read(message);
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(message);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the message is not JSON ({e.Message.Split('.')[0]})", e);
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    /// <summary>The same, from a parsed value (a SignalR argument).</summary>
    public EnvelopeFields Read(JsonElement root)
    {
        if (Mapping is { } mapping)
        {
            return mapping.Read(root);
        }

        var at = Find(root);
        return at.ValueKind switch
        {
            JsonValueKind.Object => EventEnvelope.Read(System.Text.Encoding.UTF8.GetBytes(at.GetRawText())),
            JsonValueKind.String => EventEnvelope.Read(System.Text.Encoding.UTF8.GetBytes(at.GetString()!)),
            _ => throw new FormatException($"{Text} is neither Bench's envelope nor a string holding it"),
        };
    }

    /// <summary>The value at this path; throws <see cref="FormatException"/> naming the path when the message has none.</summary>
    public JsonElement Find(JsonElement root)
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

        return at;
    }

    /// <summary>
    /// The field a preflight names for a message it could not read (<paramref name="why"/>, as <see cref="Read(ReadOnlySpan{byte})"/>
    /// said it), and the problem: a mapping's errors name their own field (<c>envelope.seq</c>).
    /// </summary>
    public (string Field, string Problem) Unreadable(string why)
    {
        if (Mapping is null)
        {
            return (Field, $"a message arrived, but {why} with Bench's envelope in it");
        }

        var named = EnvelopeMapping.Names.FirstOrDefault(n => why.StartsWith($"envelope.{n}: ", StringComparison.Ordinal));
        return named is null
            ? (Field, $"a message arrived, but {why}")
            : ($"envelope.{named}", $"a message arrived, but {why[(named.Length + 11)..]}");
    }
}
