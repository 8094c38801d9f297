using System.Net.WebSockets;
using Bench.Targets.Events;
using Microsoft.AspNetCore.Http;

namespace Bench.Targets.Publishing;

/// <summary>
/// <c>/publish</c>: the one publishing mechanism both targets share. The harness keeps one WebSocket open and sends
/// one binary frame per event (<see cref="PublishedEvent.WriteFrame"/>); the target hands each to its <see cref="IEventSink"/>
/// and then acknowledges it with an 8-byte frame holding the event's number: an acknowledged event has been accepted
/// (queued by the hub, written to the dispatcher's outbox). Only the delivery leg differs between transports.
/// </summary>
public static class PublishEndpoint
{
    public const string Path = "/publish";

    public static async Task HandleAsync(HttpContext context, IEventSink sink, int maxFrameBytes)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var buffer = new byte[maxFrameBytes + PublishedEvent.HeaderBytes];
        var ack = new byte[8];
        var ct = context.RequestAborted;
        while (socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "publish frame too large", ct).ConfigureAwait(false);
                    return;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
                return;
            }

            var evt = PublishedEvent.ReadFrame(buffer.AsSpan(0, length));
            sink.Publish(evt);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(ack, evt.Number);
            await socket.SendAsync(ack, WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
        }
    }
}
