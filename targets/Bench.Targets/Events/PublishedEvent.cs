using System.Buffers.Binary;

namespace Bench.Targets.Events;

/// <summary>
/// An event as the harness publishes it to a target: its number (its id in the envelope is derived from it), its intended
/// publish time (a monotonic <c>Stopwatch</c> timestamp, comparable across processes on one Linux host) and its payload.
/// </summary>
public sealed record PublishedEvent(long Number, long IntendedTimestamp, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Bytes before the payload in a publish frame: number, then intended timestamp, little-endian.</summary>
    public const int HeaderBytes = 16;

    /// <summary>The event's unique id, written in the envelope (a webhook delivery has a <c>webhook-id</c> of its own).</summary>
    public string Id => EventId(Number);

    public static string EventId(long number) => "evt_" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the publish frame into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteFrame(Span<byte> destination, long number, long intendedTimestamp, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, number);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], intendedTimestamp);
        payload.CopyTo(destination[HeaderBytes..]);
        return HeaderBytes + payload.Length;
    }

    /// <summary>Reads a publish frame; the payload is copied so the frame buffer can be reused.</summary>
    public static PublishedEvent ReadFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < HeaderBytes)
        {
            throw new FormatException($"a publish frame has at least {HeaderBytes} bytes; got {frame.Length}");
        }

        return new PublishedEvent(
            BinaryPrimitives.ReadInt64LittleEndian(frame),
            BinaryPrimitives.ReadInt64LittleEndian(frame[8..]),
            frame[HeaderBytes..].ToArray());
    }
}
