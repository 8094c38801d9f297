using System.Diagnostics;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Targets;
using Bench.Targets;
using Bench.Targets.Dispatcher;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// Webhook endpoints registered with the dispatcher for the connections scenario, on the harness's receiver, each its own origin.
/// </summary>
internal sealed class WebhookEndpoints(ITargetHandle target, string token, string secret, WebhookSubscriberHost receivers,
    TempOutbox outbox) : IHeldSubscribers
{
    private int registered;

    public ITargetHandle Target => target;

    public async Task<MemoryStats?> MemoryAsync(CancellationToken ct) =>
        await TargetStatsClient.GetAsync(target, "/memory", Bench.Targets.TargetsJson.Default.MemoryStats, ct).ConfigureAwait(false);

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await Publisher.ConnectAsync(target.Url, token, payloads, ct).ConfigureAwait(false);

    public int Count => registered;

    public int SourceAddresses => 1;

    public double OpeningSeconds { get; private set; }

    public double KeepAliveSeconds => 0;

    public bool TimesConnects => false;

    public static async Task<WebhookEndpoints> StartAsync(ScenarioContext context, HeldSetup setup, CancellationToken ct)
    {
        var (accounting, MaxMessage) = (setup.Accounting, setup.MaxMessage);
        var token = setup.Attached?.Token ?? Secrets.NewToken();
        var secret = WebhookSignature.NewSecret();
        var receivers = await WebhookSubscriberHost.StartAsync(secret, accounting, MaxMessage, ct).ConfigureAwait(false);
        var outbox = new TempOutbox();
        if (setup.Attached is { } attached)
        {
            return new WebhookEndpoints(attached.Handle, token, secret, receivers, outbox);
        }

        try
        {
            var target = await TargetProcess.StartAsync(TargetRole.Dispatcher, ["--outbox", outbox.Path],
                new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
            return new WebhookEndpoints(target, token, secret, receivers, outbox);
        }
        catch
        {
            await receivers.DisposeAsync().ConfigureAwait(false);
            outbox.Dispose();
            throw;
        }
    }

    public async Task<int> GrowToAsync(int total, IReadOnlyList<string> streams, List<long> connectUs, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (registered < total)
        {
            var batch = Enumerable.Range(registered, Math.Min(16, total - registered));
            await Task.WhenAll(batch.Select(i => TargetStatsClient.PostAsync(target.Url + "/subscriptions",
                new SubscriptionRequest(receivers.UrlOf(streams[i], i), secret, streams[i]), TargetsJson.Default.SubscriptionRequest, token,
                ct))).ConfigureAwait(false);
            registered = Math.Min(total, registered + 16);
        }

        OpeningSeconds += watch.Elapsed.TotalSeconds;
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (target is TargetProcess own)
        {
            await own.DisposeAsync().ConfigureAwait(false);
        }

        outbox.Dispose();
        await receivers.DisposeAsync().ConfigureAwait(false);
    }
}
