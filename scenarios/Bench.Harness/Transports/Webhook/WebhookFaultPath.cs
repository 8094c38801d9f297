using System.Globalization;
using System.Net;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Faults.Catalog;
using Bench.Harness.Targets;
using Bench.Targets;
using Bench.Targets.Dispatcher;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// The dispatcher (restartable, with a SQLite or in-memory outbox), a fault proxy, and the harness's receivers behind it.
/// Retries run on the Standard Webhooks schedule compressed 1,000 times, so 5 minutes take 0.3 s.
/// </summary>
internal sealed class WebhookFaultPath : IFaultPath
{
    public const double RetryTimeScale = 0.001;

    private readonly TargetSlot target;
    private readonly IFaultProxy proxy;
    private readonly WebhookSubscriberHost receivers;
    private readonly string token;
    private readonly string secret;
    private readonly IReadOnlyList<string> streams;
    private readonly TempOutbox outbox;
    private PathCounters? beforeRestart;

    private WebhookFaultPath(TargetSlot target, IFaultProxy proxy, WebhookSubscriberHost receivers, string token, string secret,
        IReadOnlyList<string> streams, TempOutbox outbox, string behaviour)
    {
        this.target = target;
        this.proxy = proxy;
        this.receivers = receivers;
        this.token = token;
        this.secret = secret;
        this.streams = streams;
        this.outbox = outbox;
        Behaviour = behaviour;
    }

    public ITargetHandle Target => target;

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await Publisher.ConnectAsync(target.Url, token, payloads, ct).ConfigureAwait(false);

    public IFaultProxy Proxy => proxy;

    public IEnumerable<long> Detections => [];

    public long ReconnectAttempts => 0;

    public string Behaviour { get; }

    /// <summary>Durable with the SQLite outbox, in memory with the memory-outbox variant.</summary>
    public string? Guarantee { get; private init; }

    public long SilentDuplicates => receivers.Stats().Duplicates;

    public static async Task<WebhookFaultPath> StartAsync(ScenarioContext context, FaultSetup setup, CancellationToken ct)
    {
        var (token, streams, accounting, maxMessage, processingTime) = (setup.Token, setup.Streams, setup.Accounting,
            setup.MaxMessage, setup.ProcessingTime);
        var durable = !Plan.VariantName.Has(setup.Variant, WebhookTransport.MemoryOutbox);
        // Shorter than a slowed receiver's processing (docs/method.md): the dispatcher times out and sends again, and the duplicates show.
        var deliveryTimeout = setup.Fault.SlowsSubscribers ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromSeconds(2);
        var maxInFlight = setup.Wan ? WebhookTransport.WanDispatcherConcurrency : 1;
        var secret = WebhookSignature.NewSecret();
        var overloaded = setup.Overloaded;
        var receivers = await WebhookSubscriberHost.StartAsync(secret, accounting, maxMessage, ct,
            path => processingTime(path[(path.LastIndexOf('/') + 1)..]),
            refusal: _ => overloaded() ? (503, OverloadFault.RetryAfterSeconds) : null).ConfigureAwait(false);
        ProcessFaultProxy proxy;
        try
        {
            var upstream = new IPEndPoint(IPAddress.Loopback, new Uri(receivers.BaseUrl).Port);
            proxy = await ProcessFaultProxy.StartAsync(upstream, setup.Streams.Count, context.ReadyTimeout, ct).ConfigureAwait(false);
        }
        catch
        {
            await receivers.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var outbox = new TempOutbox(durable ? ".db" : ".endpoints");
        var timeout = deliveryTimeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
        TargetSlot target;
        try
        {
            target = await TargetSlot.StartAsync(TargetRole.Dispatcher,
            [.. durable ? ["--outbox", outbox.Path] : new[] { "--outbox", "memory", "--endpoints-file", outbox.Path },
                "--retry-time-scale", RetryTimeScale.ToString(CultureInfo.InvariantCulture), "--delivery-timeout", timeout,
                "--max-in-flight", maxInFlight.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            await receivers.DisposeAsync().ConfigureAwait(false);
            outbox.Dispose();
            throw;
        }

        var behaviour = $"the dispatcher retries on the Standard Webhooks schedule × " +
            $"{RetryTimeScale.ToString(CultureInfo.InvariantCulture)} (± 20 % jitter) from " +
            $"{(durable ? "a SQLite outbox" : "an in-memory outbox")}, with a {timeout} delivery " +
            $"timeout{(maxInFlight > 1 ? $" and up to {maxInFlight} deliveries in flight per endpoint" : "")}; receivers " +
            $"de-duplicate by webhook-id";
        var path = new WebhookFaultPath(target, proxy, receivers, token, secret, streams, outbox, behaviour)
        {
            Guarantee = durable ? WebhookTransport.DurableGuarantee : WebhookTransport.MemoryGuarantee,
        };
        try
        {
            await path.RegisterAsync(ct).ConfigureAwait(false);
            return path;
        }
        catch
        {
            await path.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Registers every subscriber's endpoint, behind the proxy. Idempotent: a restart registers them again.</summary>
    private async Task RegisterAsync(CancellationToken ct)
    {
        string ViaProxy(int i) => $"http://127.0.0.1:{proxy.PortFor(i).ToString(CultureInfo.InvariantCulture)}";
        foreach (var batch in Enumerable.Range(0, streams.Count).Chunk(16))
        {
            await Task.WhenAll(batch.Select(i => TargetStatsClient.PostAsync(target.Url + "/subscriptions",
                new SubscriptionRequest(receivers.UrlOf(streams[i], i, ViaProxy(i)), secret, streams[i]),
                TargetsJson.Default.SubscriptionRequest, token, ct))).ConfigureAwait(false);
        }
    }

    /// <summary>The receivers go away (every endpoint refuses and resets) and come back to what piled up meanwhile.</summary>
    public Task StormAsync(TimeSpan down, CancellationToken ct) => proxy.DownAsync(down, ct);

    public async Task<(string Watched, long Value, long Attempts)> StormSampleAsync(CancellationToken ct)
    {
        var stats = await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.DispatcherStats, ct,
            attempts: 1).ConfigureAwait(false);
        return ("pending", stats.Pending, stats.Retries);
    }

    public async Task RestartAsync(TimeSpan down, CancellationToken ct)
    {
        beforeRestart = await CountersAsync(ct).ConfigureAwait(false);
        await target.KillAsync().ConfigureAwait(false);
        await Task.Delay(down, ct).ConfigureAwait(false);
        await target.StartAgainAsync(ct).ConfigureAwait(false);

        // Endpoints are configuration: a production sender keeps them in its database whatever its queue is.
        await RegisterAsync(ct).ConfigureAwait(false);
    }

    public async Task<PathCounters> CountersAsync(CancellationToken ct)
    {
        var stats = await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.DispatcherStats, ct).ConfigureAwait(false);
        var errors = WebhookCounters.Errors(stats, receivers.Stats());

        var before = beforeRestart;
        if (before is not null)
        {
            // The killed dispatcher's counts add to the new one's; the receivers (in this process) counted throughout.
            foreach (var (kind, count) in before.Errors.Where(e => !e.Key.StartsWith("receiver_", StringComparison.Ordinal)))
            {
                errors[kind] = errors.GetValueOrDefault(kind) + count;
            }
        }

        return new PathCounters(stats.Retries + (before?.Retries ?? 0), stats.Pending,
            stats.FirstFailureTimestamp != 0 ? stats.FirstFailureTimestamp : before?.FirstFailureTimestamp ?? 0, errors, null, null,
            before?.Pending);
    }

    public async ValueTask DisposeAsync()
    {
        await target.DisposeAsync().ConfigureAwait(false);
        await proxy.DisposeAsync().ConfigureAwait(false);
        await receivers.DisposeAsync().ConfigureAwait(false);
        outbox.Dispose();
    }
}
