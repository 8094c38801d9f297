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

    /// <summary>Publishing connections open at once, on either target, unless its options say otherwise. 16.</summary>
    public const int DefaultMaxConnections = 16;

    /// <summary>
    /// Serves one publishing connection. A frame too short to hold an event, or longer than
    /// <paramref name="maxFrameBytes"/> plus its header, closes the connection with a reason (1007, 1009); a publisher
    /// that goes away ends it quietly. Beyond <paramref name="limiter"/>'s count, the upgrade is refused with 503.
    /// </summary>
    public static async Task HandleAsync(HttpContext context, IEventSink sink, int maxFrameBytes, ConnectionLimiter limiter)
    {
        if (!limiter.TryEnter())
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            await ServeAsync(socket, sink, maxFrameBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The publisher went away mid-frame or without a close handshake: the end of its connection, nothing more.
        }
        finally
        {
            limiter.Exit();
        }
    }

    private static async Task ServeAsync(WebSocket socket, IEventSink sink, int maxFrameBytes, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(maxFrameBytes + PublishedEvent.HeaderBytes, 64 * 1024)];
        var limit = maxFrameBytes + PublishedEvent.HeaderBytes;
        var ack = new byte[8];
        while (socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "publish frame too large", ct).ConfigureAwait(false);
                        return;
                    }

                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit));
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

            if (length < PublishedEvent.HeaderBytes || result.MessageType != WebSocketMessageType.Binary)
            {
                await socket.CloseAsync(WebSocketCloseStatus.InvalidPayloadData,
                    $"a publish frame is binary, {PublishedEvent.HeaderBytes} bytes of header then the payload", ct).ConfigureAwait(false);
                return;
            }

            var evt = PublishedEvent.ReadFrame(buffer.AsSpan(0, length));
            sink.Publish(evt);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(ack, evt.Number);
            await socket.SendAsync(ack, WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
        }
    }
}
