using Bench.Scenarios.Clients;
using Bench.Scenarios.Targets;
using Bench.Targets;
using Bench.Targets.Dispatcher;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;

namespace Bench.Scenarios.Scenarios.Push;

/// <summary>
/// The dispatcher in its own process, and the subscribers' endpoints hosted by the harness: one receiver on loopback,
/// one <c>/webhook/{stream}</c> endpoint registered with the dispatcher per subscriber.
/// </summary>
internal sealed class WebhookFanOut(TargetProcess target, WebhookSubscriberHost receivers) : IPushFanOut
{
    public TargetProcess Target => target;

    public static async Task<WebhookFanOut> StartAsync(
        ScenarioContext context, string token, IReadOnlyList<string> streams, DeliveryAccounting accounting, int maxMessage, CancellationToken ct)
    {
        var secret = WebhookSignature.NewSecret();
        var receivers = await WebhookSubscriberHost.StartAsync(secret, accounting, maxMessage, ct).ConfigureAwait(false);
        TargetProcess? target = null;
        try
        {
            target = await TargetProcess.StartAsync(TargetRole.Dispatcher, [],
                new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
            foreach (var stream in streams)
            {
                await TargetStatsClient.PostAsync(target.Url + "/subscriptions", new SubscriptionRequest(receivers.UrlOf(stream), secret, stream),
                    TargetsJson.Default.SubscriptionRequest, token, ct).ConfigureAwait(false);
            }

            return new WebhookFanOut(target, receivers);
        }
        catch
        {
            if (target is not null)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }

            await receivers.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        var stats = await TargetStatsClient.GetAsync(target.Url, TargetsJson.Default.DispatcherStats, ct).ConfigureAwait(false);
        foreach (var (kind, count) in stats.Failures)
        {
            errors["delivery_" + kind] = count;
        }

        if (stats.Dropped > 0)
        {
            errors["dispatcher_queue_full"] = stats.Dropped;
        }

        foreach (var (kind, count) in receivers.Stats().Rejected)
        {
            errors["receiver_rejected_" + kind] = count;
        }

        return errors;
    }

    public IEnumerable<string> Warnings() => [];

    public async ValueTask DisposeAsync()
    {
        await target.DisposeAsync().ConfigureAwait(false);
        await receivers.DisposeAsync().ConfigureAwait(false);
    }
}
