using System.Globalization;
using System.Text;
using System.Text.Json;
using Bench.Targets.Events;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// The values a target file's placeholders take: <c>{stream}</c> (the stream or topic every subscriber of a run
/// shares), <c>{event}</c> (Bench's envelope as a JSON object), <c>{eventString}</c> (the same as a JSON string),
/// <c>{receiver}</c> (the URL of Bench's webhook receiver), <c>{secret}</c> (the webhook signing secret), and for a
/// system with fields of its own, the envelope's values one by one: <c>{id}</c>, <c>{seq}</c>, <c>{ts}</c>.
/// </summary>
public sealed record TemplateValues(string Stream, string Event = "", string Receiver = "", string Secret = "")
{
    /// <summary>Values that make any template a well-formed URL, for validation.</summary>
    public static readonly TemplateValues Sample =
        new("bench", "{}", "http://127.0.0.1:1/webhook", "whsec_") { Id = "evt_1", Seq = "1", Ts = "1" };

    /// <summary>The envelope's id (<c>evt_7</c>); empty outside a publish.</summary>
    public string Id { get; init; } = "";

    /// <summary>The envelope's seq, the event's number (<c>7</c>); empty outside a publish.</summary>
    public string Seq { get; init; } = "";

    /// <summary>The envelope's ts, the intended publish timestamp; empty outside a publish.</summary>
    public string Ts { get; init; } = "";

    /// <summary>The values of a publish of event <paramref name="number"/> on <paramref name="stream"/>.</summary>
    public static TemplateValues ForEvent(string stream, long number, long intendedTimestamp, ReadOnlyMemory<byte> payload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(payload.Length + 96);
        EventEnvelope.Write(buffer, new PublishedEvent(number, intendedTimestamp, payload), stream, number);
        return new TemplateValues(stream, Encoding.UTF8.GetString(buffer.WrittenSpan))
        {
            Id = PublishedEvent.EventId(number),
            Seq = number.ToString(CultureInfo.InvariantCulture),
            Ts = intendedTimestamp.ToString(CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>Fills a target file's templates.</summary>
public static class TemplateText
{
    public static readonly IReadOnlyList<string> Placeholders =
        ["{stream}", "{event}", "{eventString}", "{receiver}", "{secret}", "{id}", "{seq}", "{ts}"];

    public static string Fill(string template, TemplateValues values)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var sb = new StringBuilder(template);
        sb.Replace("{stream}", values.Stream);

        // Before the envelope goes in, so that nothing in its payload is taken for a placeholder.
        sb.Replace("{id}", values.Id);
        sb.Replace("{seq}", values.Seq);
        sb.Replace("{ts}", values.Ts);
        sb.Replace("{eventString}", JsonString(values.Event));
        sb.Replace("{event}", values.Event);
        sb.Replace("{receiver}", values.Receiver);
        sb.Replace("{secret}", values.Secret);
        return sb.ToString();
    }

    /// <summary>
    /// A JSON string literal of <paramref name="text"/>, escaping only what JSON requires (quotes, backslashes, controls).
    /// </summary>
    public static string JsonString(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 16);
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The same, escaped for a URL (the stream in a query string).</summary>
    public static string FillUrl(string template, TemplateValues values) =>
        Fill(template, values with { Stream = Uri.EscapeDataString(values.Stream) });
}
