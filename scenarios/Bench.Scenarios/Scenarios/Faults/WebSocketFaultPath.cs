using System.Globalization;
using System.Net;
using Bench.Scenarios.Clients;
using Bench.Scenarios.Targets;
using Bench.Targets;
using Bench.Targets.Faults;
using Bench.Targets.Hosting;

namespace Bench.Scenarios.Scenarios.Faults;

/// <summary>The hub (restartable), a fault proxy, and reconnecting subscribers that connect through the proxy.</summary>
internal sealed class WebSocketFaultPath(TargetSlot target, FaultProxy proxy, IReadOnlyList<WebSocketSubscriber> subscribers, bool resume) : IFaultPath
{
    public TargetSlot Target => target;

    public FaultProxy Proxy => proxy;

    public IEnumerable<long> Detections => subscribers.SelectMany(s => s.Detections);

    public long ReconnectAttempts => subscribers.Sum(s => (long)s.ReconnectAttempts);

    public string Behaviour => resume
        ? "subscribers reconnect with backoff (100 ms doubling to 2 s, ±20 %) and resume from the hub's in-memory replay buffer (10,000 events or 60 s per stream)"
        : "subscribers reconnect with backoff (100 ms doubling to 2 s, ±20 %) without resume: what is published while a subscriber is away is lost";

    public static async Task<WebSocketFaultPath> StartAsync(
        ScenarioContext context, string token, IReadOnlyList<string> streams, DeliveryAccounting accounting, int maxMessage, bool resume,
        Func<string, TimeSpan> processingTime, CancellationToken ct)
    {
        var target = await TargetSlot.StartAsync(TargetRole.Hub, ["--max-message-bytes", maxMessage.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        var hub = new Uri(target.Url);
        var proxy = FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, hub.Port));
        var subscribers = new List<WebSocketSubscriber>();
        var path = new WebSocketFaultPath(target, proxy, subscribers, resume);
        try
        {
            var viaProxy = $"http://127.0.0.1:{proxy.Endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
            foreach (var stream in streams)
            {
                var options = new SubscriberOptions { Resume = resume, ProcessingTime = () => processingTime(stream) };
                subscribers.Add(await WebSocketSubscriber.ConnectAsync(viaProxy, token, stream, options, ct).ConfigureAwait(false));
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Start(accounting, context.Clock, maxMessage);
            }

            for (var i = 0; (await TargetStatsClient.GetAsync(target.Url, TargetsJson.Default.HubStats, ct).ConfigureAwait(false)).Subscribers < streams.Count; i++)
            {
                if (i > 500)
                {
                    throw new TargetFailedException($"the hub did not register {streams.Count} subscribers");
                }

                await Task.Delay(20, ct).ConfigureAwait(false);
            }

            return path;
        }
        catch
        {
            await path.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task RestartAsync(TimeSpan down, CancellationToken ct)
    {
        await target.KillAsync().ConfigureAwait(false);
        await Task.Delay(down, ct).ConfigureAwait(false);
        await target.StartAgainAsync(ct).ConfigureAwait(false);
    }

    public async Task<PathCounters> CountersAsync(CancellationToken ct)
    {
        var stats = await TargetStatsClient.GetAsync(target.Url, TargetsJson.Default.HubStats, ct).ConfigureAwait(false);
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        if (stats.Dropped > 0)
        {
            errors["hub_queue_full"] = stats.Dropped;
        }

        // Across a restart the hub's own record is incomplete (what it held when killed is gone with it): no figure then.
        long? undelivered = target.Restarts == 0 ? stats.MissedWhileAway + stats.Undelivered + stats.Dropped - stats.Replayed : null;
        long? away = null;
        if (target.Restarts == 0)
        {
            var attaches = await TargetStatsClient.GetAsync(target.Url + "/stats/streams", TargetsJson.Default.DictionaryStringInt64Array, ct).ConfigureAwait(false);
            away = 0;
            foreach (var subscriber in subscribers)
            {
                // Reconnection k attached at attaches[k + 1]; everything after the last event received before it was published while away.
                var seqs = attaches.GetValueOrDefault(subscriber.Stream) ?? [];
                var lasts = subscriber.LastSeqAtDisconnect;
                for (var k = 0; k < lasts.Count && k + 1 < seqs.Length; k++)
                {
                    away += Math.Max(0, seqs[k + 1] - lasts[k]);
                }
            }
        }

        return new PathCounters(0, 0, 0, errors, undelivered is < 0 ? 0 : undelivered, away);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var subscriber in subscribers)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }

        await proxy.DisposeAsync().ConfigureAwait(false);
        await target.DisposeAsync().ConfigureAwait(false);
    }
}
