using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub.SignalR;

/// <summary>
/// The hub's SignalR endpoint (<c>/signalr</c>), written as the SignalR documentation shows: a client calls
/// <c>Subscribe(stream, resumeFrom)</c> and then receives <c>event(id, stream, seq, ts, data)</c> messages;
/// <c>Echo(...)</c> answers an invocation with the payload (rtt). Events come from the same broadcaster, streams and
/// replay buffer as the WebSocket and SSE subscribers. Stateful reconnect is allowed; the client chooses it.
/// </summary>
internal sealed class EventsHub(
    HubBroadcaster hub, IHubContext<EventsHub> context, IOptions<HubOptions> options, SignalRAdmission admission)
    : Microsoft.AspNetCore.SignalR.Hub
{
    public const string Path = "/signalr";

    /// <summary>The client method each event is sent to.</summary>
    public const string EventMethod = "event";

    private const string SubscriptionKey = "bench.subscription";
    private const string CountedKey = "bench.counted";
    private const string StreamsKey = "bench.streams";
    private const string StatefulKey = "bench.stateful";

    public override Task OnConnectedAsync()
    {
        // Only whether the connection has the (preview) feature is asked; none of its members is called.
#pragma warning disable CA2252
        var isStateful = Context.Features.Get<Microsoft.AspNetCore.Connections.Abstractions.IStatefulReconnectFeature>() is not null;
#pragma warning restore CA2252
        if (!admission.Connected(isStateful))
        {
            // More stateful connections than negotiated for (a burst of negotiations): this one is not taken.
            Context.Abort();
            return Task.CompletedTask;
        }

        if (isStateful)
        {
            Context.Items[StatefulKey] = true;
        }

        if (!hub.TryOpenConnection())
        {
            Context.Abort();
            return Task.CompletedTask;
        }

        Context.Items[CountedKey] = true;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Makes this connection the subscriber of <paramref name="stream"/>, replaying what followed <paramref name="resumeFrom"/>;
    /// refused (a hub error) while another connection holds the stream.
    /// </summary>
    public Task Subscribe(string stream, long? resumeFrom) => SubscribeCore(stream, resumeFrom, takeOver: false);

    /// <summary>
    /// As <see cref="Subscribe"/>, replacing the connection that holds
    /// the stream (a client coming back); that one is told and closed.
    /// </summary>
    public Task TakeOver(string stream, long? resumeFrom) => SubscribeCore(stream, resumeFrom, takeOver: true);

    private Task SubscribeCore(string stream, long? resumeFrom, bool takeOver)
    {
        if (Publishing.StreamNames.Problem(stream ?? "") is { } problem)
        {
            throw new HubException(problem);
        }

        if (resumeFrom < 0)
        {
            throw new HubException("resumeFrom must be 0 or more");
        }

        var o = options.Value;
        if (Context.Items.TryGetValue(StreamsKey, out var known) is false || known is not HashSet<string> names)
        {
            names = new HashSet<string>(StringComparer.Ordinal);
            Context.Items[StreamsKey] = names;
        }

        // Every stream a connection names is one more buffer every event is written to: a connection gets a few.
        if (!names.Contains(stream!) && names.Count >= o.MaxStreamsPerConnection)
        {
            throw new HubException(
                $"this connection has subscribed to its limit of {o.MaxStreamsPerConnection} streams; open another connection");
        }

        names.Add(stream!);
        Unsubscribe();
        var connectionId = Context.ConnectionId;
        var subscriber = new Subscriber(stream!, new SignalREventWriter(context, connectionId), hub.Limits, o.InjectDelay);
        if (hub.Attach(subscriber, resumeFrom, takeOver) is not { } attached)
        {
            throw new HubException(HubEndpoints.StreamTakenMessage(stream!, remedy: "call TakeOver"));
        }

        var stop = new CancellationTokenSource();
        var sending = subscriber.SendLoopAsync(stop.Token);

        // Taken over: tell the client why, then end its connection (never a silent stop).
        var abort = Context.Abort;
        subscriber.TakenOver.Register(() => _ = TellTakenOverAsync(context, connectionId, abort));
        Context.Items[SubscriptionKey] = new Subscription(attached, subscriber, stop, sending);
        return Task.CompletedTask;
    }

    /// <summary>The client method told that another connection took its stream.</summary>
    public const string TakenOverMethod = "takenOver";

    private static async Task TellTakenOverAsync(IHubContext<EventsHub> hubs, string connectionId, Action abort)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await hubs.Clients.Client(connectionId).SendAsync(TakenOverMethod, "another connection took this stream over", timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Gone already: nothing to tell.
        }

        abort();
    }

    /// <summary>The rtt exchange: the payload comes back as the invocation's result.</summary>
    public async Task<string> Echo(string id, string stream, long seq, long ts, string data)
    {
        await options.Value.InjectDelay.ApplyAsync().ConfigureAwait(false);
        return data;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Unsubscribe();
        if (Context.Items.Remove(CountedKey))
        {
            hub.CloseConnection();
        }

        if (Context.Items.Remove(StatefulKey))
        {
            admission.StatefulEnded();
        }

        return Task.CompletedTask;
    }

    private void Unsubscribe()
    {
        if (Context.Items.TryGetValue(SubscriptionKey, out var value) && value is Subscription s)
        {
            Context.Items.Remove(SubscriptionKey);
            hub.Detach(s.Stream, s.Subscriber);
            s.Stop.Cancel();
            _ = s.Sending.ContinueWith(t => s.Stop.Dispose(), TaskScheduler.Default);
        }
    }

    private sealed record Subscription(HubStream Stream, Subscriber Subscriber, CancellationTokenSource Stop, Task Sending);
}

/// <summary>Sends each event to one SignalR connection as <c>event(id, stream, seq, ts, data)</c>.</summary>
internal sealed class SignalREventWriter(IHubContext<EventsHub> context, string connectionId) : IEventWriter
{
    public async ValueTask WriteAsync(Events.PublishedEvent evt, string stream, long seq, CancellationToken ct) =>
        await context.Clients.Client(connectionId).SendAsync(EventsHub.EventMethod, evt.Id, stream, seq, evt.IntendedTimestamp,
            System.Text.Encoding.ASCII.GetString(evt.Payload.Span), ct).ConfigureAwait(false);
}
