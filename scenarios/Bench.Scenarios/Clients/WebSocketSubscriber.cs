using System.Globalization;
using System.Net.WebSockets;

namespace Bench.Scenarios.Clients;

/// <summary>
/// A subscriber of the hub's <c>/ws/subscribe</c>. It hands every message to the accounting; when the connection dies
/// (close, error, or a keep-alive ping left unanswered) it notes when it noticed, and reconnects with backoff — and, with
/// resume, asks the hub to replay what followed the last sequence number it received. The WebSocket protocol itself
/// has no reconnection: this is what clients do.
/// </summary>
public sealed class WebSocketSubscriber : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private readonly string hubUrl;
    private readonly string token;
    private readonly SubscriberOptions options;
    private readonly CancellationTokenSource stop = new();
    private readonly Random random = new();
    private readonly List<long> detections = [];
    private readonly List<long> reconnections = [];
    private readonly List<long> lastSeqAtDisconnect = [];
    private ClientWebSocket socket;
    private Task? running;
    private long lastSeq;
    private int attempts;

    private WebSocketSubscriber(string hubUrl, string token, string stream, SubscriberOptions options, ClientWebSocket socket)
    {
        this.hubUrl = hubUrl;
        this.token = token;
        this.options = options;
        this.socket = socket;
        Stream = stream;
    }

    public string Stream { get; }

    /// <summary>Set when the subscriber stopped for good with an error (reconnection off).</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Reconnect attempts made, successful or not.</summary>
    public int ReconnectAttempts => Volatile.Read(ref attempts);

    /// <summary>When the subscriber noticed each disconnect (timestamps).</summary>
    public IReadOnlyList<long> Detections
    {
        get
        {
            lock (detections)
            {
                return [.. detections];
            }
        }
    }

    /// <summary>The last sequence number received before each disconnect.</summary>
    public IReadOnlyList<long> LastSeqAtDisconnect
    {
        get
        {
            lock (detections)
            {
                return [.. lastSeqAtDisconnect];
            }
        }
    }

    /// <summary>When each reconnect succeeded (timestamps).</summary>
    public IReadOnlyList<long> Reconnections
    {
        get
        {
            lock (detections)
            {
                return [.. reconnections];
            }
        }
    }

    public static async Task<WebSocketSubscriber> ConnectAsync(string hubUrl, string token, string stream, SubscriberOptions options, CancellationToken ct)
    {
        var socket = await OpenAsync(hubUrl, token, stream, null, options, ct).ConfigureAwait(false);
        return new WebSocketSubscriber(hubUrl, token, stream, options, socket);
    }

    private static async Task<ClientWebSocket> OpenAsync(string hubUrl, string token, string stream, long? resumeFrom, SubscriberOptions options, CancellationToken ct)
    {
        var path = "/ws/subscribe?stream=" + Uri.EscapeDataString(stream)
            + (resumeFrom is { } r ? "&resumeFrom=" + r.ToString(CultureInfo.InvariantCulture) : "");
        return await WebSocketClients.ConnectAsync(hubUrl, path, token, ct, options.KeepAliveInterval, options.KeepAliveTimeout, options.Wire, options.Source).ConfigureAwait(false);
    }

    public void Start(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes) =>
        running = Task.Run(() => RunAsync(accounting, clock, maxMessageBytes));

    private async Task RunAsync(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes)
    {
        var buffer = new byte[maxMessageBytes];
        while (!stop.IsCancellationRequested)
        {
            Exception? ended = null;
            try
            {
                while (true)
                {
                    var length = await WebSocketClients.ReceiveMessageAsync(socket, buffer, stop.Token).ConfigureAwait(false);
                    if (length < 0)
                    {
                        break;
                    }

                    if (accounting.OnArrival(buffer.AsSpan(0, length), clock.GetTimestamp()) is { } fields && fields.Stream == Stream)
                    {
                        lastSeq = fields.Seq;
                    }

                    if (options.ProcessingTime?.Invoke() is { } busy && busy > TimeSpan.Zero)
                    {
                        await Task.Delay(busy, clock, stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or InvalidDataException or IOException or OperationCanceledException)
            {
                // A keep-alive ping left unanswered aborts the socket, which surfaces as a cancelled receive.
                ended = e;
            }

            lock (detections)
            {
                detections.Add(clock.GetTimestamp());
                lastSeqAtDisconnect.Add(lastSeq);
            }

            if (!options.Reconnect)
            {
                Failure = ended ?? new WebSocketException("the hub closed the connection");
                return;
            }

            await ReconnectAsync(clock).ConfigureAwait(false);
        }
    }

    private async Task ReconnectAsync(TimeProvider clock)
    {
        socket.Dispose();
        for (var tries = 0; !stop.IsCancellationRequested; tries++)
        {
            try
            {
                await Task.Delay(options.Backoff.Delay(tries, random), clock, stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref attempts);

                // A handshake into a half-open connection would wait forever: give each attempt a few seconds.
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                attempt.CancelAfter(ConnectTimeout);
                socket = await OpenAsync(hubUrl, token, Stream, options.Resume ? lastSeq : null, options, attempt.Token).ConfigureAwait(false);
                lock (detections)
                {
                    reconnections.Add(clock.GetTimestamp());
                }

                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException)
            {
                // Still unreachable (or the handshake timed out): back off and try again.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
        stop.Dispose();
    }
}
