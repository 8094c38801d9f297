using System.Diagnostics;
using System.Net;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Targets;
using Bench.Targets.Hosting;

namespace Bench.Harness.Transports.Hub;

/// <summary>
/// Idle subscribers of one hub-based transport, opened in batches (spread over 127.0.0.x past one address's ports) and held.
/// </summary>
internal sealed class HubHeldSubscribers(ITargetHandle target, string token, HeldSetup setup, HubTransport transport,
    ScenarioContext context) : IHeldSubscribers
{
    private readonly List<IStreamSubscriber> subscribers = [];
    private readonly HashSet<int> addresses = [];
    private readonly DeliveryWire plain = DeliveryWire.Plain();
    private int attempted;

    public ITargetHandle Target => target;

    public async Task<MemoryStats?> MemoryAsync(CancellationToken ct) =>
        await TargetStatsClient.GetAsync(target, "/memory", Bench.Targets.TargetsJson.Default.MemoryStats, ct).ConfigureAwait(false);

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await Publisher.ConnectAsync(target.Url, token, payloads, ct).ConfigureAwait(false);

    public int Count => subscribers.Count;

    public int SourceAddresses => Math.Max(1, addresses.Count);

    public double OpeningSeconds { get; private set; }

    public double KeepAliveSeconds => setup.KeepAlive.TotalSeconds;

    public bool TimesConnects => true;

    public static async Task<HubHeldSubscribers> StartAsync(ScenarioContext context, HeldSetup setup,
        HubTransport transport, CancellationToken ct)
    {
        if (setup.Attached is { } attached)
        {
            return new HubHeldSubscribers(attached.Handle, attached.Token, setup, transport, context);
        }

        var token = Secrets.NewToken();

        // The hub's own keep-alive at the same interval as the subscribers': SSE comments and SignalR pings come from it.
        var arguments = HubTarget.Arguments(setup.MaxMessage, setup.KeepAlive, transport.HubArguments);
        var target = await TargetProcess.StartAsync(TargetRole.Hub, arguments,
            new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        return new HubHeldSubscribers(target, token, setup, transport, context);
    }

    public async Task<int> GrowToAsync(int total, IReadOnlyList<string> streams, List<long> connectUs, CancellationToken ct)
    {
        var spread = streams.Count > ConnectionsScenario.ConnectionsPerSourceAddress;
        var failed = 0;
        var watch = Stopwatch.StartNew();
        while (attempted < total)
        {
            var batch = Enumerable.Range(attempted, Math.Min(100, total - attempted)).ToList();
            attempted += batch.Count;
            var opened = await Task.WhenAll(batch.Select(async i =>
            {
                // Past one address's ephemeral ports, connect from 127.0.0.2, 127.0.0.3, … (all loopback).
                IPAddress? source = spread ? new IPAddress([127, 0, 0,
                    (byte)(2 + (i / ConnectionsScenario.ConnectionsPerSourceAddress))]) : null;
                var options = new SubscriberOptions
                {
                    Reconnect = false,
                    KeepAliveInterval = setup.KeepAlive,
                    KeepAliveTimeout = TimeSpan.Zero,
                    Wire = plain,
                    Source = source
                };
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var url = transport.SubscriberUrl(target, plain);
                    var subscriber = await transport.Connect(url, token, streams[i], options, ct).ConfigureAwait(false);
                    return (Subscriber: (IStreamSubscriber?)subscriber, Us: (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds,
                        Address: spread ? 2 + (i / ConnectionsScenario.ConnectionsPerSourceAddress) : 1);
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException
                    or System.Net.Sockets.SocketException)
                {
                    return (null, 0L, 0);
                }
            })).ConfigureAwait(false);
            foreach (var (subscriber, us, address) in opened)
            {
                if (subscriber is null)
                {
                    failed++;
                    continue;
                }

                subscriber.Start(setup.Accounting, context.Clock, setup.MaxMessage);
                subscribers.Add(subscriber);
                connectUs.Add(us);
                addresses.Add(address);
            }
        }

        OpeningSeconds += watch.Elapsed.TotalSeconds;

        // An agent's share is one of several: whoever started the hub waits for all of them.
        if (setup.Attached is null)
        {
            await HubTarget.WaitForSubscribersAsync(target, subscribers.Count, TimeSpan.FromSeconds(60), context, ct).ConfigureAwait(false);
        }
        return failed;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing thousands politely takes a while and measures nothing: stop the target, then drop the connections.
        if (target is TargetProcess own)
        {
            await own.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
