using Bench.Harness.Clients;
using Bench.Targets.Events;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Harness.Transports.SignalR;

/// <summary>
/// A SignalR client of the hub: it invokes <c>Subscribe(stream)</c> and handles <c>event(id, stream, seq, ts, data)</c>.
/// It reconnects with SignalR's own automatic reconnect (on Bench's backoff schedule) and subscribes again when it is
/// back; with resume it also asks for stateful reconnect, which replays what the server buffered for a dropped
/// connection — invisibly to the application, and only while the same server process lives.
/// </summary>
public sealed class SignalRSubscriber : IStreamSubscriber
{
    private readonly HubConnection connection;
    private readonly DisconnectLog log;
    private readonly SubscriberOptions options;
    private readonly SignalRBackoff? backoff;
    private long lastSeq;

    private SignalRSubscriber(
        HubConnection connection, string stream, SubscriberOptions options, DisconnectLog log, SignalRBackoff? backoff)
    {
        this.connection = connection;
        this.options = options;
        this.log = log;
        this.backoff = backoff;
        Stream = stream;
    }

    public string Stream { get; }

    public Exception? Failure { get; private set; }

    public int ReconnectAttempts => log.ReconnectAttempts;

    public IReadOnlyList<long> Detections => log.Detections;

    public IReadOnlyList<long> LastSeqAtDisconnect => log.LastSeqAtDisconnect;

    public static async Task<IStreamSubscriber> ConnectAsync(string hubUrl, string token, string stream,
        SubscriberOptions options, CancellationToken ct)
    {
        var log = new DisconnectLog();
        var backoff = options.Reconnect ? new SignalRBackoff(options.Backoff, log, TimeProvider.System) : null;
        var connection = SignalRConnections.Build(hubUrl, token, options, backoff);
        backoff?.Attach(connection);
        var subscriber = new SignalRSubscriber(connection, stream, options, log, backoff);
        try
        {
            await connection.StartAsync(ct).ConfigureAwait(false);
            return subscriber;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Registers the event handler, then subscribes: the hub sends nothing before <c>Subscribe</c>.</summary>
    public void Start(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes)
    {
        connection.On<string, string, long, long, string>("event", async (id, stream, seq, ts, data) =>
        {
            var size = id.Length + stream.Length + data.Length + 16;
            backoff?.Delivered();
            if (accounting.OnArrival(new EnvelopeFields(id, stream, seq, ts), size, clock.GetTimestamp()) is { } fields
                && fields.Stream == Stream)
            {
                Interlocked.Exchange(ref lastSeq, fields.Seq);
            }

            if (options.ProcessingTime?.Invoke() is { } busy && busy > TimeSpan.Zero)
            {
                await Task.Delay(busy, clock).ConfigureAwait(false);
            }
        });
        connection.Reconnecting += _ =>
        {
            log.Disconnected(clock.GetTimestamp(), Interlocked.Read(ref lastSeq));
            return Task.CompletedTask;
        };

        // A new connection (stateful reconnect did not hold, or was not asked for) has no subscription yet.
        // TakeOver: the hub may not have seen the old connection go yet.
        connection.Reconnected += _ => SubscribeAsync("TakeOver");
        connection.Closed += e =>
        {
            log.Disconnected(clock.GetTimestamp(), Interlocked.Read(ref lastSeq));
            Failure = e ?? new IOException("the SignalR connection closed");
            return Task.CompletedTask;
        };
        _ = SubscribeAsync("Subscribe");
    }

    private async Task SubscribeAsync(string method)
    {
        try
        {
            await connection.InvokeAsync(method, Stream, (long?)null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or OperationCanceledException
            or Microsoft.AspNetCore.SignalR.HubException
            or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException)
        {
            // The connection went again before the subscription: the next reconnection subscribes.
            Failure = e;
        }
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync().ConfigureAwait(false);
}
