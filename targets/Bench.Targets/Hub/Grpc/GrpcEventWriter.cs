using System.Buffers;
using Bench.Targets.Events;
using Bench.Targets.Hub.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Bench.Targets.Hub.Grpc;

/// <summary>
/// Writes each event as one <c>Event</c> message of a server-streaming call: the envelope's JSON bytes, the same the
/// WebSocket and SSE writers send, in its <c>envelope</c> field, and the sequence number beside it.
/// </summary>
public sealed class GrpcEventWriter : IEventWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly IAsyncStreamWriter<Event> stream;

    internal GrpcEventWriter(IAsyncStreamWriter<Event> stream) => this.stream = stream;

    /// <summary>The message one event is sent as (for tests of the framing arithmetic).</summary>
    public static Event Message(PublishedEvent evt, string stream, long seq) =>
        new() { Envelope = ByteString.CopyFrom(EventEnvelope.ToArray(evt, stream, seq)), Seq = seq };

    async ValueTask IEventWriter.WriteAsync(PublishedEvent evt, string stream, long seq, CancellationToken ct)
    {
        buffer.ResetWrittenCount();
        EventEnvelope.Write(buffer, evt, stream, seq);

        // WriteAsync serialises the message into the response before it completes, so the buffer is free again after it.
        var message = new Event { Envelope = UnsafeByteOperations.UnsafeWrap(buffer.WrittenMemory), Seq = seq };
        await this.stream.WriteAsync(message, ct).ConfigureAwait(false);
    }
}
