using System.Globalization;
using System.Net;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Targets;
using Bench.Targets;
using Bench.Targets.Hosting;

namespace Bench.Harness.Transports.Hub;

/// <summary>
/// The hub (restartable), a fault proxy, and reconnecting subscribers of one hub-based transport that connect through the proxy.
/// </summary>
internal sealed class HubFaultPath(TargetSlot target, string token, IFaultProxy proxy, IReadOnlyList<IStreamSubscriber> subscribers,
    string behaviour, ReplayLogFile? replayLog) : IFaultPath
{
    /// <summary>With a replay log: what the hub writes before it acknowledges a publish, and reads back when started again.</summary>
    private const string DurableBehaviour =
        "; the hub writes every event to its SQLite replay log before acknowledging it and, started again, refills its buffers "
        + "and sequence numbers from it";

    /// <summary>Subscribers opened at once.</summary>
    private const int ConnectBatch = 32;

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await Publisher.ConnectAsync(target.Url, token, payloads, ct).ConfigureAwait(false);

    public ITargetHandle Target => target;

    public IFaultProxy Proxy => proxy;

    public IEnumerable<long> Detections => subscribers.SelectMany(s => s.Detections);

    public long ReconnectAttempts => subscribers.Sum(s => (long)s.ReconnectAttempts);

    public string Behaviour => behaviour;

    public string? Guarantee => replayLog is null ? null : HubTransport.DurableGuarantee;

    public static async Task<HubFaultPath> StartAsync(ScenarioContext context, FaultSetup setup,
        HubTransport transport, CancellationToken ct)
    {
        var keepAlive = setup.Fault.KeepAlive;
        var hubKeepAlive = keepAlive is null ? transport.ServerKeepAlive : transport.ServerKeepAlive is null ? null : keepAlive;

        // The log's file outlives the hub's restart (the same arguments start it again) and is deleted with the path.
        var replayLog = transport.KeepsReplayLog(setup.Variant) ? new ReplayLogFile() : null;
        var arguments = HubTarget.Arguments(setup.MaxMessage, hubKeepAlive,
            [.. transport.HubArguments, .. replayLog is null ? Array.Empty<string>() : ["--replay-log", replayLog.Path]]);
        TargetSlot target;
        try
        {
            target = await TargetSlot.StartAsync(TargetRole.Hub, arguments,
                new Dictionary<string, string> { ["BENCH_TOKEN"] = setup.Token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        }
        catch
        {
            replayLog?.Dispose();
            throw;
        }

        // The proxy stands before the port the subscribers use (the hub's, or the transport's own); the publisher goes direct.
        using var plain = DeliveryWire.Plain();
        var hub = new Uri(transport.SubscriberUrl(target, plain));
        ProcessFaultProxy proxy;
        try
        {
            var upstream = new IPEndPoint(IPAddress.Loopback, hub.Port);
            proxy = await ProcessFaultProxy.StartAsync(upstream, setup.Streams.Count, context.ReadyTimeout, ct).ConfigureAwait(false);
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            replayLog?.Dispose();
            throw;
        }

        var subscribers = new List<IStreamSubscriber>();
        var resume = transport.Resumes(setup.Variant);
        var behaviour = transport.FaultBehaviour(setup.Variant) + (replayLog is null ? "" : DurableBehaviour);
        var path = new HubFaultPath(target, setup.Token, proxy, subscribers, behaviour, replayLog);
        try
        {
            string ViaProxy(int i) => $"http://127.0.0.1:{proxy.PortFor(i).ToString(CultureInfo.InvariantCulture)}";

            // Connected a batch at a time: thousands one by one (a storm's) would take longer than the run.
            foreach (var batch in setup.Streams.Index().Chunk(ConnectBatch))
            {
                subscribers.AddRange(await Task.WhenAll(batch.Select(indexed =>
                {
                    var (i, stream) = indexed;
                    var options = new SubscriberOptions
                    {
                        Resume = resume,
                        Variant = setup.Variant,
                        ProcessingTime = () => setup.ProcessingTime(stream)
                    };
                    if (keepAlive is { } ka)
                    {
                        options = options with { KeepAliveInterval = ka, KeepAliveTimeout = ka };
                    }

                    return transport.Connect(ViaProxy(i), setup.Token, stream, options, ct);
                })).ConfigureAwait(false));
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Start(setup.Accounting, context.Clock, setup.MaxMessage);
            }

            await HubTarget.WaitForSubscribersAsync(target, setup.Streams.Count, TimeSpan.FromSeconds(10 + (setup.Streams.Count / 200)),
                context, ct).ConfigureAwait(false);
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

    public async Task<(string Watched, long Value, long Attempts)> StormSampleAsync(CancellationToken ct)
    {
        // The harness's own count, read now: the sample's time is now, however long the target takes to answer below.
        var attempts = ReconnectAttempts;
        long connected = 0;
        if (!target.HasExited)
        {
            try
            {
                connected = (await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.HubStats, ct,
                    attempts: 1).ConfigureAwait(false)).Subscribers;
            }
            catch (Exception e) when (e is TargetFailedException or IOException && !ct.IsCancellationRequested)
            {
                connected = 0; // down, or not yet up: it holds no one
            }
        }

        return ("connected", connected, attempts);
    }

    public async Task<PathCounters> CountersAsync(CancellationToken ct)
    {
        var stats = await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.HubStats, ct).ConfigureAwait(false);
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
            var attaches = await TargetStatsClient.GetAsync(target, "/stats/streams", TargetsJson.Default.DictionaryStringInt64Array,
                ct).ConfigureAwait(false);
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
        await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        await proxy.DisposeAsync().ConfigureAwait(false);
        await target.DisposeAsync().ConfigureAwait(false);
        replayLog?.Dispose();
    }
}
