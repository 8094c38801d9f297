using System.Net.WebSockets;
using System.Text;
using Bench.Engine.Recording;
using Bench.Harness.Clients;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// Makes a target file's system emit events over one kept WebSocket (<c>publish.websocket</c>): each event is one
/// text message from the file's template. A WebSocket has no answer to wait for, so a message the connection took is
/// an accepted event. When the connection is lost, publishes are refused at once (<c>publish_connection_lost</c>, never
/// lost) while the publisher reconnects in the background with backoff, and the run's result says so; after
/// <see cref="HttpEventPublisher.UnreachableInARow"/> failed reconnects in a row the system counts as gone.
/// </summary>
public sealed class WebSocketEventPublisher : ITargetPublisher
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly WebSocketPublish spec;
    private readonly PublishSetup setup;
    private readonly PublishCounts counts;
    private readonly ReconnectBackoff backoff;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private ClientWebSocket? socket;
    private Task reading = Task.CompletedTask;
    private Task reconnecting = Task.CompletedTask;
    private long losses;
    private long reconnects;

    private WebSocketEventPublisher(WebSocketPublish spec, PublishSetup setup)
    {
        this.spec = spec;
        this.setup = setup;
        counts = new PublishCounts(setup.Clock);
        backoff = new ReconnectBackoff(Publisher.Backoff, setup.Clock);
    }

    public long AcceptedCount => counts.AcceptedCount;

    public long Rejected => counts.Rejected;

    public long FirstRejectionTimestamp => counts.FirstRejectionTimestamp;

    public SequenceSet Accepted() => counts.Accepted();

    /// <summary>The times the connection was lost, and made again, when it was.</summary>
    public Bench.Reports.Warnings.RunWarning? Warning =>
        PublishCounts.ConnectionWarning(spec.Field, Interlocked.Read(ref losses), Interlocked.Read(ref reconnects));

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

    public async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        var values = TemplateValues.ForEvent(setup.Stream, number, intendedTimestamp, setup.Payloads.For(number));
        var message = Encoding.UTF8.GetBytes(TemplateText.Fill(spec.Message, values));
        await sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref socket);
            if (current is null || current.State != WebSocketState.Open)
            {
                if (current is not null)
                {
                    Lost(current);
                }

                throw counts.Refused("connection_lost", "publish.websocket: the connection is down; reconnecting");
            }

            try
            {
                await current.SendAsync(message, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException
                || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // A send on a connection the system aborted surfaces as a cancellation the caller did not ask for.
                Lost(current);
                throw counts.Refused("connection_lost", "publish.websocket: " + e.Message, e);
            }
        }
        finally
        {
            sendLock.Release();
        }

        counts.Accept(number);
    }

    private async Task OpenAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        var uri = new Uri(TemplateText.FillUrl(spec.Url, new TemplateValues(setup.Stream)));
        var opened = await WebSocketClients.ConnectAsync(uri, null, timeout.Token, headers: spec.Headers).ConfigureAwait(false);
        Volatile.Write(ref socket, opened);
        backoff.Connected();
        reading = Task.Run(() => DrainAsync(opened), CancellationToken.None);
    }

    /// <summary>
    /// Reads whatever the system sends back (an acknowledgement, an error, or nothing) so that a close or a broken
    /// connection is seen at once, not at the next publish.
    /// </summary>
    private async Task DrainAsync(ClientWebSocket opened)
    {
        var buffer = new byte[4096];
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
        }

        if (!stopping.IsCancellationRequested)
        {
            Lost(opened);
        }
    }

    /// <summary>The connection <paramref name="lost"/> ended: counted once, and made again in the background.</summary>
    private void Lost(ClientWebSocket lost)
    {
        if (Interlocked.CompareExchange(ref socket, null, lost) != lost)
        {
            return;
        }

        lost.Dispose();
        Interlocked.Increment(ref losses);
        backoff.Disconnected();
        lock (gate)
        {
            if (!stopping.IsCancellationRequested)
            {
                reconnecting = Task.Run(ReconnectAsync, CancellationToken.None);
            }
        }
    }

    private async Task ReconnectAsync()
    {
        var failed = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(backoff.NextDelay(), stopping.Token).ConfigureAwait(false);
                await OpenAsync(stopping.Token).ConfigureAwait(false);
                Interlocked.Increment(ref reconnects);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException
                or System.Net.Sockets.SocketException)
            {
                if (++failed == HttpEventPublisher.UnreachableInARow)
                {
                    setup.Target?.Gone($"publish.websocket: the connection was lost and {failed} reconnects in a row failed ({e.Message})");
                }
            }
        }
    }

    /// <summary>
    /// Closes politely and waits (2 s at most) until the system ends the connection too: a socket dropped at once may
    /// reset the connection before the system has read the last messages sent on it.
    /// </summary>
    private async Task CloseAsync(ClientWebSocket open)
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

    public async ValueTask DisposeAsync()
    {
        Task pending;
        lock (gate)
        {
            stopping.Cancel();
            pending = reconnecting;
        }

        await pending.ConfigureAwait(false);
        if (Interlocked.Exchange(ref socket, null) is { } open)
        {
            await CloseAsync(open).ConfigureAwait(false);
        }

        await reading.ConfigureAwait(false);
        sendLock.Dispose();
        stopping.Dispose();
    }
}
