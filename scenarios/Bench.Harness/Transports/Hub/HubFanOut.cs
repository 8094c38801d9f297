using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Targets;
using Bench.Reports.Warnings;
using Bench.Targets;
using Bench.Targets.Hosting;

namespace Bench.Harness.Transports.Hub;

/// <summary>
/// The hub in its own process and one subscriber per stream (WebSocket, SSE or SignalR), all registered before the first publish.
/// </summary>
internal sealed class HubFanOut(ITargetHandle target, string token, IReadOnlyList<IStreamSubscriber> subscribers,
    WanLink? wan) : IPushFanOut
{
    public ITargetHandle Target => target;

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await Publisher.ConnectAsync(target.Url, token, payloads, ct).ConfigureAwait(false);

    public static async Task<HubFanOut> StartAsync(ScenarioContext context, PushSetup setup, HubTransport transport, CancellationToken ct)
    {
        ITargetHandle target;
        string url;
        WanLink? wan = null;
        if (setup.Attached is { } attached)
        {
            target = attached.Handle;
            url = transport.SubscriberUrl(target, setup.Wire);
        }
        else
        {
            var (arguments, environment) = setup.Wire.HubStart();
            var started = await TargetProcess.StartAsync(TargetRole.Hub,
                HubTarget.Arguments(setup.MaxMessage, transport.ServerKeepAlive, [.. arguments, .. transport.HubArguments]),
                new Dictionary<string, string>(environment) { ["BENCH_TOKEN"] = setup.Token }, context.ReadyTimeout,
                ct).ConfigureAwait(false);
            var direct = transport.SubscriberUrl(started, setup.Wire);
            wan = setup.Wan ? WanLink.To(direct) : null;
            url = wan?.Url ?? direct;
            target = started;
        }

        var subscribers = new List<IStreamSubscriber>();
        // Push measures delivery, not how fast a dead connection is noticed (the faults scenario sets its own limits): a
        // subscriber waits 10 s for a ping's answer (SSE: for any byte after the 1 s keep-alive), not the default 2 s. A
        // loaded 2-core machine can stall a client that long, and a reconnect without resume loses what was published meanwhile.
        var options = new SubscriberOptions { Wire = setup.Wire, Variant = setup.Variant, KeepAliveTimeout = TimeSpan.FromSeconds(10) };
        try
        {
            // Connect in small batches: a burst of thousands of simultaneous handshakes measures the handshake, not push.
            foreach (var batch in setup.Streams.Chunk(64))
            {
                subscribers.AddRange(await Task.WhenAll(batch.Select(s => transport.Connect(url, setup.Token, s, options,
                    ct))).ConfigureAwait(false));
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Start(setup.Accounting, context.Clock, setup.MaxMessage);
            }

            await HubTarget.WaitForSubscribersAsync(target, setup.Attached?.TotalSubscribers ?? setup.Streams.Count, context.ReadyTimeout,
                context, ct).ConfigureAwait(false);
            return new HubFanOut(target, setup.Token, subscribers, wan);
        }
        catch
        {
            await new HubFanOut(target, setup.Token, subscribers, wan).DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct)
    {
        var errors = SubscriberHealth.Errors(subscribers);
        var stats = await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.HubStats, ct).ConfigureAwait(false);
        if (stats.Dropped > 0)
        {
            errors["hub_queue_full"] = stats.Dropped;
        }

        return errors;
    }

    public IEnumerable<RunWarning> Warnings() => SubscriberHealth.Warnings(subscribers);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (wan is not null)
        {
            await wan.DisposeAsync().ConfigureAwait(false);
        }

        // An attached target belongs to whoever started it; only the hub this fan-out started is stopped here.
        if (target is TargetProcess own)
        {
            await own.DisposeAsync().ConfigureAwait(false);
        }
    }
}
