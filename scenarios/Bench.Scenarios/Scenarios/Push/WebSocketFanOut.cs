using System.Globalization;
using Bench.Scenarios.Clients;
using Bench.Scenarios.Targets;
using Bench.Targets;
using Bench.Targets.Hosting;

namespace Bench.Scenarios.Scenarios.Push;

/// <summary>The hub in its own process and one WebSocket subscriber per stream, all connected before the first publish.</summary>
internal sealed class WebSocketFanOut(TargetProcess target, IReadOnlyList<WebSocketSubscriber> subscribers, WanLink? wan) : IPushFanOut
{
    public TargetProcess Target => target;

    public static async Task<WebSocketFanOut> StartAsync(
        ScenarioContext context, string token, IReadOnlyList<string> streams, DeliveryAccounting accounting, int maxMessage, bool viaWan, DeliveryWire wire, CancellationToken ct)
    {
        var (arguments, environment) = wire.HubStart();
        var target = await TargetProcess.StartAsync(TargetRole.Hub, ["--max-message-bytes", maxMessage.ToString(CultureInfo.InvariantCulture), .. arguments],
            new Dictionary<string, string>(environment) { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        var subscribers = new List<WebSocketSubscriber>();
        var wan = viaWan ? WanLink.To(target.SecureUrl ?? target.Url) : null;
        var url = wan?.Url ?? wire.ClientUrl(target);
        var options = new SubscriberOptions { Wire = wire };
        try
        {
            // Connect in small batches: a burst of thousands of simultaneous handshakes measures the handshake, not push.
            foreach (var batch in streams.Chunk(64))
            {
                subscribers.AddRange(await Task.WhenAll(batch.Select(s => WebSocketSubscriber.ConnectAsync(url, token, s, options, ct))).ConfigureAwait(false));
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Start(accounting, context.Clock, maxMessage);
            }

            // The upgrade completes before the hub registers the subscriber; publish only once all are registered.
            var deadline = context.Clock.GetTimestamp() + (long)(context.ReadyTimeout.TotalSeconds * context.Clock.TimestampFrequency);
            while ((await TargetStatsClient.GetAsync(target.Url, TargetsJson.Default.HubStats, ct).ConfigureAwait(false)).Subscribers < streams.Count)
            {
                if (context.Clock.GetTimestamp() > deadline)
                {
                    throw new TargetFailedException($"the hub did not register {streams.Count} subscribers within {context.ReadyTimeout.TotalSeconds:0} s");
                }

                await Task.Delay(20, ct).ConfigureAwait(false);
            }

            return new WebSocketFanOut(target, subscribers, wan);
        }
        catch
        {
            await new WebSocketFanOut(target, subscribers, wan).DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        var stats = await TargetStatsClient.GetAsync(target.Url, TargetsJson.Default.HubStats, ct).ConfigureAwait(false);
        if (stats.Dropped > 0)
        {
            errors["hub_queue_full"] = stats.Dropped;
        }

        var disconnects = subscribers.Sum(s => s.Detections.Count);
        if (disconnects > 0)
        {
            errors["subscriber_disconnected"] = disconnects;
        }

        return errors;
    }

    public IEnumerable<string> Warnings() =>
        subscribers.Where(s => s.Detections.Count > 0).Take(3).Select(s => $"subscriber {s.Stream} lost its connection {s.Detections.Count} time(s) and made {s.ReconnectAttempts} reconnect attempt(s)");

    public async ValueTask DisposeAsync()
    {
        foreach (var subscriber in subscribers)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }

        if (wan is not null)
        {
            await wan.DisposeAsync().ConfigureAwait(false);
        }

        await target.DisposeAsync().ConfigureAwait(false);
    }
}
