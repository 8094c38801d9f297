using System.Net.WebSockets;
using System.Text;
using Bench.Harness.Clients;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// Makes a target file's system emit events over one kept WebSocket (<c>publish.websocket</c>): each event is one
/// text message from the file's template. A WebSocket has no answer to wait for, so a message the connection took is
/// an accepted event. A lost connection is handled as <see cref="KeptConnectionPublisher"/> says.
/// </summary>
public sealed class WebSocketEventPublisher : KeptConnectionPublisher
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly WebSocketPublish spec;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private ClientWebSocket? socket;
    private Task reading = Task.CompletedTask;

    private WebSocketEventPublisher(WebSocketPublish spec, PublishSetup setup)
        : base(spec.Field, setup) => this.spec = spec;

    /// <summary>Connects to <c>publish.websocket.url</c>; a connection that fails throws (the preflight names the field).</summary>
    public static async Task<WebSocketEventPublisher> ConnectAsync(WebSocketPublish spec, PublishSetup setup, CancellationToken ct)
    {
        var publisher = new WebSocketEventPublisher(spec, setup);
        try
        {
            await publisher.OpenAsync(ct).ConfigureAwait(false);
            return publisher;
        }
        catch
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        var values = TemplateValues.ForEvent(Setup.Stream, number, intendedTimestamp, Setup.Payloads.For(number));
        var message = Encoding.UTF8.GetBytes(TemplateText.Fill(spec.Message, values));
        await sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref socket);
            if (current is null || current.State != WebSocketState.Open)
            {
                if (current is not null)
                {
                    Lost(current, null);
                }

                throw Counts.Refused("connection_lost", "publish.websocket: the connection is down; reconnecting");
            }

            try
            {
                await current.SendAsync(message, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException
                || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // A send on a connection the system aborted surfaces as a cancellation the caller did not ask for.
                Lost(current, e);
                throw Counts.Refused("connection_lost", "publish.websocket: " + e.Message, e);
            }
        }
        finally
        {
            sendLock.Release();
        }

        Counts.Accept(number);
    }

    protected override async Task OpenAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        var uri = new Uri(TemplateText.FillUrl(spec.Url, new TemplateValues(Setup.Stream)));
        var opened = await WebSocketClients.ConnectAsync(uri, null, timeout.Token, headers: spec.Headers).ConfigureAwait(false);
        Volatile.Write(ref socket, opened);
        Opened();
        reading = Task.Run(() => DrainAsync(opened), CancellationToken.None);
    }

    /// <summary>
    /// Reads whatever the system sends back (an acknowledgement, an error, or nothing) so that a close or a broken
    /// connection is seen at once, not at the next publish.
    /// </summary>
    private async Task DrainAsync(ClientWebSocket opened)
    {
        var buffer = new byte[4096];
        Exception? ended = null;
        try
        {
            WebSocketReceiveResult received;
            do
            {
                received = await opened.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
            }
            while (received.MessageType != WebSocketMessageType.Close);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection ended: below, it is made again unless the publisher is stopping.
            ended = e;
        }

        if (!Stopping)
        {
            Lost(opened, ended);
        }
    }

    /// <summary>The connection <paramref name="lost"/> ended: counted once (the reader and a send may both see it).</summary>
    private void Lost(ClientWebSocket lost, Exception? why)
    {
        if (Interlocked.CompareExchange(ref socket, null, lost) != lost)
        {
            return;
        }

        lost.Dispose();
        ConnectionLost(why);
    }

    /// <summary>
    /// Closes politely and waits (2 s at most) until the system ends the connection too: a socket dropped at once may
    /// reset the connection before the system has read the last messages sent on it.
    /// </summary>
    protected override async ValueTask CloseAsync()
    {
        if (Interlocked.Exchange(ref socket, null) is { } open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                if (open.State == WebSocketState.Open)
                {
                    await open.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                }

                await reading.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // The run is over; the system may be gone already.
            }

            open.Dispose();
        }

        await reading.ConfigureAwait(false);
        sendLock.Dispose();
    }
}
