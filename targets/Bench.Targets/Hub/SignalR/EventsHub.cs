using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub.SignalR;

/// <summary>
/// The hub's SignalR endpoint (<c>/signalr</c>), written as the SignalR documentation shows: a client calls
/// <c>Subscribe(stream, resumeFrom)</c> and then receives <c>event(id, stream, seq, ts, data)</c> messages;
/// <c>Echo(...)</c> answers an invocation with the payload (rtt). Events come from the same broadcaster, streams and
/// replay buffer as the WebSocket and SSE subscribers. Stateful reconnect is allowed; the client chooses it.
/// </summary>
internal sealed class EventsHub(HubBroadcaster hub, IHubContext<EventsHub> context, IOptions<HubOptions> options) : Microsoft.AspNetCore.SignalR.Hub
{
    public const string Path = "/signalr";

    /// <summary>The client method each event is sent to.</summary>
    public const string EventMethod = "event";

    private const string SubscriptionKey = "bench.subscription";
    private const string CountedKey = "bench.counted";

    public override Task OnConnectedAsync()
    {
        if (!hub.TryOpenConnection())
        {
            Context.Abort();
            return Task.CompletedTask;
        }

        Context.Items[CountedKey] = true;
        return Task.CompletedTask;
    }

    /// <summary>Makes this connection the subscriber of <paramref name="stream"/>, replaying what followed <paramref name="resumeFrom"/>.</summary>
    public Task Subscribe(string stream, long? resumeFrom)
    {
        var o = options.Value;
        Unsubscribe();
        var subscriber = new Subscriber(stream, new SignalREventWriter(context, Context.ConnectionId), o.SubscriberQueueCapacity, o.InjectDelay);
        var attached = hub.Attach(subscriber, resumeFrom);
        var stop = new CancellationTokenSource();
        var sending = subscriber.SendLoopAsync(stop.Token);
        Context.Items[SubscriptionKey] = new Subscription(attached, subscriber, stop, sending);
        return Task.CompletedTask;
    }

    /// <summary>The rtt exchange: the payload comes back as the invocation's result.</summary>
    public string Echo(string id, string stream, long seq, long ts, string data)
    {
        Hosting.InjectedDelay.Spend(options.Value.InjectDelay);
        return data;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Unsubscribe();
        if (Context.Items.Remove(CountedKey))
        {
            hub.CloseConnection();
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
