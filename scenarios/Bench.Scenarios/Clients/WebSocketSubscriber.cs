using System.Net.WebSockets;

namespace Bench.Scenarios.Clients;

/// <summary>A subscriber connected to the hub's <c>/ws/subscribe</c>, handing every message to the accounting.</summary>
public sealed class WebSocketSubscriber : IAsyncDisposable
{
    private readonly ClientWebSocket socket;
    private readonly CancellationTokenSource stop = new();
    private Task? receiving;

    private WebSocketSubscriber(ClientWebSocket socket, string stream)
    {
        this.socket = socket;
        Stream = stream;
    }

    public string Stream { get; }

    /// <summary>Set when the receive loop ended with an error rather than a close.</summary>
    public Exception? Failure { get; private set; }

    public static async Task<WebSocketSubscriber> ConnectAsync(string hubUrl, string token, string stream, CancellationToken ct)
    {
        var socket = await WebSocketClients.ConnectAsync(hubUrl, "/ws/subscribe?stream=" + Uri.EscapeDataString(stream), token, ct).ConfigureAwait(false);
        return new WebSocketSubscriber(socket, stream);
    }

    public void Start(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes) =>
        receiving = Task.Run(() => ReceiveLoopAsync(accounting, clock, maxMessageBytes));

    private async Task ReceiveLoopAsync(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes)
    {
        var buffer = new byte[maxMessageBytes];
        try
        {
            while (true)
            {
                var length = await WebSocketClients.ReceiveMessageAsync(socket, buffer, stop.Token).ConfigureAwait(false);
                if (length < 0)
                {
                    return;
                }

                accounting.OnArrival(buffer.AsSpan(0, length), clock.GetTimestamp());
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by the scenario.
        }
        catch (Exception e) when (e is WebSocketException or InvalidDataException)
        {
            Failure = e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (receiving is not null)
        {
            await receiving.ConfigureAwait(false);
        }

        await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
        stop.Dispose();
    }
}
