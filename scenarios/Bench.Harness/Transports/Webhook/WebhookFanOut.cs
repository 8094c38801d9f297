using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Targets;
using Bench.Reports.Warnings;
using Bench.Targets;
using Bench.Targets.Dispatcher;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// The dispatcher in its own process, and the subscribers' endpoints hosted by the harness: one receiver on loopback,
/// one <c>/webhook/{stream}</c> endpoint registered with the dispatcher per subscriber, each on its own origin
/// (<c>eN.localhost</c>) unless the variant is <c>one-origin</c>.
/// </summary>
internal sealed class WebhookFanOut(ITargetHandle target, string token, WebhookSubscriberHost receivers, WanLink? wan, TempOutbox outbox,
    string guarantee) : IPushFanOut
{
    public ITargetHandle Target => target;

    public string Guarantee => guarantee;

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await Publisher.ConnectAsync(target.Url, token, payloads, ct).ConfigureAwait(false);

    public static async Task<WebhookFanOut> StartAsync(ScenarioContext context, PushSetup setup, CancellationToken ct)
    {
        var (token, streams, accounting, maxMessage, viaWan, wire) = (setup.Token, setup.Streams, setup.Accounting,
            setup.MaxMessage, setup.Wan, setup.Wire);
        var secret = WebhookSignature.NewSecret();
        var receivers = await WebhookSubscriberHost.StartAsync(secret, accounting, maxMessage, ct, wire: wire).ConfigureAwait(false);
        ITargetHandle? target = setup.Attached?.Handle;
        var wan = viaWan ? WanLink.To(receivers.BaseUrl) : null;
        var durable = !Plan.VariantName.Has(setup.Variant, WebhookTransport.MemoryOutbox);
        var oneOrigin = Plan.VariantName.Has(setup.Variant, WebhookTransport.OneOrigin);
        var outbox = new TempOutbox(durable ? ".db" : ".endpoints");
        try
        {
            // The dispatcher as production senders run it: every accepted event written to a durable (SQLite) outbox
            // first; the memory-outbox variant keeps the queue in memory, to tell the cost of durability apart.
            var (wireArguments, environment) = wire.DispatcherStart();
            string[] storage = durable ? ["--outbox", outbox.Path] : ["--outbox", "memory", "--endpoints-file", outbox.Path];
            string[] args = viaWan ? [.. storage, "--max-in-flight",
                WebhookTransport.WanDispatcherConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture)] : storage;
            target ??= await TargetProcess.StartAsync(TargetRole.Dispatcher, [.. args, .. wireArguments],
                new Dictionary<string, string>(environment) { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
            var baseUrl = wan is null ? receivers.BaseUrl : new Uri(receivers.BaseUrl).Scheme + "://" + new Uri(wan.Url).Authority;
            for (var i = 0; i < streams.Count; i++)
            {
                var url = oneOrigin ? baseUrl + "/webhook/" + Uri.EscapeDataString(streams[i]) : receivers.UrlOf(streams[i],
                    setup.FirstStreamIndex + i, baseUrl);
                await TargetStatsClient.PostAsync(target.Url + "/subscriptions", new SubscriptionRequest(url, secret, streams[i]),
                    TargetsJson.Default.SubscriptionRequest, token, ct).ConfigureAwait(false);
            }

            if (setup.Attached is { } attached)
            {
                await WaitForEndpointsAsync(target, attached.TotalSubscribers, context, ct).ConfigureAwait(false);
            }

            var topology = oneOrigin
                ? "every endpoint a path on one receiver origin, so one connection pool serves them all (not production's topology)"
                : "each endpoint its own origin (host name), so its own connections, as endpoints on different hosts have";
            var guarantee = (durable ? WebhookTransport.DurableGuarantee : WebhookTransport.MemoryGuarantee) + "; " + topology;
            return new WebhookFanOut(target, token, receivers, wan, outbox, guarantee);
        }
        catch
        {
            if (target is TargetProcess own)
            {
                await own.DisposeAsync().ConfigureAwait(false);
            }

            if (wan is not null)
            {
                await wan.DisposeAsync().ConfigureAwait(false);
            }

            await receivers.DisposeAsync().ConfigureAwait(false);
            outbox.Dispose();
            throw;
        }
    }

    private long pendingAtEnd;

    public async Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct)
    {
        var stats = await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.DispatcherStats, ct).ConfigureAwait(false);
        pendingAtEnd = stats.Pending;
        return WebhookCounters.Errors(stats, receivers.Stats());
    }

    public IEnumerable<RunWarning> Warnings()
    {
        if (pendingAtEnd > 0)
        {
            yield return WarningKinds.PendingAtEnd.InOutbox(pendingAtEnd);
        }

        if (wan is not null)
        {
            yield return WarningKinds.OrderNotKept.OverWan(WebhookTransport.WanDispatcherConcurrency);
        }
    }

    /// <summary>An agent's run begins once the dispatcher counts every agent's endpoints.</summary>
    private static async Task WaitForEndpointsAsync(ITargetHandle target, int count, ScenarioContext context, CancellationToken ct)
    {
        var deadline = context.Clock.GetTimestamp() + (long)(context.ReadyTimeout.TotalSeconds * context.Clock.TimestampFrequency);
        while ((await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.DispatcherStats,
            ct).ConfigureAwait(false)).Endpoints < count)
        {
            if (context.Clock.GetTimestamp() > deadline)
            {
                throw new TargetFailedException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"the dispatcher did not count {count:N0} endpoints within {context.ReadyTimeout.TotalSeconds:0} s"));
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (target is TargetProcess own)
        {
            await own.DisposeAsync().ConfigureAwait(false);
        }

        outbox.Dispose();
        if (wan is not null)
        {
            await wan.DisposeAsync().ConfigureAwait(false);
        }

        await receivers.DisposeAsync().ConfigureAwait(false);
    }
}
