using System.Net.WebSockets;
using Bench.Targets.Events;
using Bench.Targets.Publishing;

namespace Bench.Scenarios.Clients;

/// <summary>
/// The harness end of the one publishing mechanism: a kept-alive WebSocket to the target's <c>/publish</c>, one binary
/// frame per event. Used unchanged for the hub and the dispatcher.
/// </summary>
public sealed class Publisher : IAsyncDisposable
{
    private readonly ClientWebSocket socket;
    private readonly byte[] payload;
    private readonly byte[] frame;
    private readonly SemaphoreSlim sendLock = new(1, 1);

    private Publisher(ClientWebSocket socket, byte[] payload)
    {
        this.socket = socket;
        this.payload = payload;
        frame = new byte[PublishedEvent.HeaderBytes + payload.Length];
    }

    public static async Task<Publisher> ConnectAsync(string targetUrl, string token, byte[] payload, CancellationToken ct)
    {
        var socket = await WebSocketClients.ConnectAsync(targetUrl, PublishEndpoint.Path, token, ct).ConfigureAwait(false);
        return new Publisher(socket, payload);
    }

    /// <summary>Publishes event <paramref name="number"/>, stamped with its intended time.</summary>
    public async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        await sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var length = PublishedEvent.WriteFrame(frame, number, intendedTimestamp, payload);
            await socket.SendAsync(frame.AsMemory(0, length), WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
        }
        finally
        {
            sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
        sendLock.Dispose();
    }
}
