using System.Buffers;
using System.Net.WebSockets;
using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>Writes each event as one WebSocket text message holding the envelope.</summary>
internal sealed class WebSocketEventWriter(WebSocket socket) : IEventWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(1024);

    public async ValueTask WriteAsync(PublishedEvent evt, string stream, long seq, CancellationToken ct)
    {
        buffer.ResetWrittenCount();
        EventEnvelope.Write(buffer, evt, stream, seq);
        await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
    }
}
