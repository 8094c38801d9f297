using System.Buffers;
using System.Text.Json;

namespace Bench.Targets.Events;

/// <summary>
/// The JSON body delivered to a subscriber, the same for every transport (SignalR sends its fields as arguments):
/// <c>{"id":"evt_1","stream":"s0","seq":1,"ts":123,"data":"..."}</c>. <c>seq</c> counts per stream from 1;
/// <c>ts</c> is the intended publish timestamp; <c>data</c> is the payload (ASCII).
/// </summary>
public static class EventEnvelope
{
    public static void Write(IBufferWriter<byte> output, PublishedEvent evt, string stream, long seq)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteString("id"u8, evt.Id);
        writer.WriteString("stream"u8, stream);
        writer.WriteNumber("seq"u8, seq);
        writer.WriteNumber("ts"u8, evt.IntendedTimestamp);
        writer.WriteString("data"u8, evt.Payload.Span);
        writer.WriteEndObject();
    }

    public static byte[] ToArray(PublishedEvent evt, string stream, long seq)
    {
        var buffer = new ArrayBufferWriter<byte>(evt.Payload.Length + 96);
        Write(buffer, evt, stream, seq);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads the accounting fields of a delivered body; anything
    /// that is not an envelope throws <see cref="FormatException"/>.
    /// </summary>
    public static EnvelopeFields Read(ReadOnlySpan<byte> json)
    {
        try
        {
            return ReadFields(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException("not an event envelope: " + e.Message, e);
        }
    }

    private static EnvelopeFields ReadFields(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        long seq = 0, ts = 0;
        string? stream = null, id = null;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                seq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                ts = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                stream = reader.GetString();
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.GetString();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (seq <= 0 || id is null || stream is null)
        {
            throw new FormatException("an event envelope needs id, stream and a positive seq");
        }

        return new EnvelopeFields(id, stream, seq, ts);
    }
}

/// <summary>The fields of an envelope that accounting needs.</summary>
public readonly record struct EnvelopeFields(string Id, string Stream, long Seq, long IntendedTimestamp);
