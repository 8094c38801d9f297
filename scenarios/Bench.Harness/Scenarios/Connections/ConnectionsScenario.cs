using System.Diagnostics;
using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Plan;
using Bench.Harness.Transports;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Warnings;

namespace Bench.Harness.Scenarios.Connections;

/// <summary>
/// What each idle subscriber costs, and how long one event takes to reach them all: N WebSocket subscribers connected
/// to the hub (or N webhook endpoints registered with the dispatcher), grown through 100, 1,000 and N; the target's
/// memory per subscriber at each size; its CPU while all N sit idle with keep-alive; and, at each size, the time from
/// an event's publish until the last subscriber has it, over repeated broadcasts.
/// </summary>
public sealed class ConnectionsScenario : IScenario
{
    /// <summary>
    /// Connections one source address carries before the next 127.0.0.x is used (the ephemeral port range is about 28,000).
    /// </summary>
    public const int ConnectionsPerSourceAddress = 20_000;

    /// <summary>How often each idle WebSocket subscriber sends a keep-alive frame.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(5);

    /// <summary>The largest message of the connections scenario's small events.</summary>
    public const int MaxMessage = 4096;

    public string Name => "connections";

    public string Description =>
        "What each idle subscriber costs and how long one event takes to reach them all: N WebSocket connections to the hub versus N " +
            "webhook endpoints registered with the dispatcher — target memory per subscriber, idle CPU with keep-alive, and fan-out " +
            "completion time at 100, 1,000 and N.";

    public string SettingsNote => "Connections is N (up to 50,000; 1,000 in the default suite); the measured time is the idle window (3 " +
        "s in the default suite); 10 broadcasts per size (5 in the default suite); the rate does not apply.";

    public bool ConnectionsFollowSubscribers => true;

    public ScenarioSettings Defaults(Profile profile) => new()
    {
        RatePerSec = 0,
        Subscribers = profile == Profile.Full ? 10_000 : profile == Profile.Ci ? 500 : 2_000,
        PayloadBytes = 64,
        Connections = profile == Profile.Full ? 10_000 : profile == Profile.Ci ? 500 : 2_000,
        BriefConnections = 1_000,
        Duration = TimeSpan.FromSeconds(10),
        Warmup = TimeSpan.Zero,
    };

    public IReadOnlyList<string> Variants(ITransport transport) => [VariantName.Default];

    public IEnumerable<ScenarioCase> Cases(RunPlan plan) =>
        ScenarioCase.PerTransport(this, plan with { Variants = [] }, Name, Name, (transport, _) => (context, ct) =>
            RunAsync(context, transport, ct));

    /// <summary>The sizes measured on the way to N: 100, 1,000 and N (those below N).</summary>
    public static IReadOnlyList<int> Tiers(int n) => [.. new[] { 100, 1_000 }.Where(t => t < n).Append(n)];

    /// <summary>The open-file limit (soft) of this process, or null where it cannot be read.</summary>
    public static long? OpenFileLimit() => Targets.ProcessReadings.OpenFileLimit("/proc/self/limits");

    /// <summary>A problem with holding <paramref name="connections"/> open on this machine, naming the option; null when it can.</summary>
    public static string? CheckLimits(int connections) => CheckLimits(connections, OpenFileLimit());

    /// <summary>The same against a given open-file limit (null: unknown).</summary>
    public static string? CheckLimits(int connections, long? openFileLimit)
    {
        // Each connection is a socket in the harness and one in the target; the target inherits this process's limit.
        var needed = connections + 1_000L;
        if (openFileLimit is { } limit && limit < needed)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"--connections: {connections:N0} connections need about {needed:N0} open files per process, but the limit here is " +
                $"{limit:N0}. Raise it first (ulimit -n {needed}; or LimitNOFILE= in a systemd unit; or nofile in " +
                $"/etc/security/limits.conf), or ask for fewer.");
        }

        return connections > 50_000 ? "--connections: the connections scenario holds at most 50,000" : null;
    }

    private async Task<ScenarioResult> RunAsync(ScenarioContext context, ITransport transport, CancellationToken ct)
    {
        var s = context.Settings;
        var n = s.Connections;
        var idle = s.Brief ? TimeSpan.FromSeconds(3) : s.Duration;
        var broadcasts = s.Brief ? 5 : 10;
        var streams = Enumerable.Range(0, n).Select(i => "c" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var recorder = new RunRecorder(context.Clock, TimeSpan.Zero, 3600);
        recorder.Begin(context.Clock.GetTimestamp());
        var accounting = new DeliveryAccounting(recorder, streams);
        var meter = new FanOutMeter();
        accounting.OnDistinctArrival = (fields, arrival) => meter.Arrived(DeliveryAccounting.EventNumber(fields.Id), arrival);
        await using var held = context.Fleet is { } fleet
            ? await Distributed.AgentHeldSubscribers.StartAsync(context, transport, fleet, meter, ct).ConfigureAwait(false)
            : await transport.StartHeldAsync(context, new HeldSetup(accounting, MaxMessage, KeepAlive), ct).ConfigureAwait(false);
        var spread = held as Distributed.AgentHeldSubscribers;
        var target = held.Target;
        var baseline = await held.MemoryAsync(ct).ConfigureAwait(false);
        // The subscribing side's own memory, measured the same way as the target's (after a full compacting collection),
        // when this process holds the subscribers; agents report theirs in the Agents table.
        var harnessBaseline = spread is null ? Bench.Targets.Hosting.MemoryStats.Measure() : null;
        var publisher = await held.ConnectPublisherAsync(new Payloads(s.PayloadBytes), ct).ConfigureAwait(false);
        await using (publisher.ConfigureAwait(false))
        {
            var connectUs = new List<long>();
            var memory = new List<MemoryPoint>();
            var fanOut = new List<FanOutPoint>();
            LatencySummary? lastFanOut = null;
            var opening = Stopwatch.StartNew();
            var failed = 0;
            long number = 0;
            foreach (var tier in Tiers(n))
            {
                context.Progress.Message(string.Create(CultureInfo.InvariantCulture, $"  {Name}/{transport.Name}: opening subscribers " +
                    $"{held.Count:N0} → {tier:N0}"));
                failed += await held.GrowToAsync(tier, streams, connectUs, ct).ConfigureAwait(false);
                var now = await held.MemoryAsync(ct).ConfigureAwait(false);
                var count = held.Count;
                if (now is not null && baseline is not null)
                {
                    var harnessNow = harnessBaseline is null ? null : Bench.Targets.Hosting.MemoryStats.Measure();
                    memory.Add(new MemoryPoint(count, Math.Round(now.RssBytes / 1048576.0, 1), Math.Round(now.ManagedBytes / 1048576.0, 1),
                        Math.Round((now.RssBytes - baseline.RssBytes) / 1024.0 / count, 2),
                        Math.Round((now.ManagedBytes - baseline.ManagedBytes) / 1024.0 / count, 2))
                    {
                        HarnessRssKiBPerSubscriber = harnessNow is null
                            ? null : Math.Round((harnessNow.RssBytes - harnessBaseline!.RssBytes) / 1024.0 / count, 2),
                    });
                }

                var completion = Histograms.Create();
                var incomplete = 0L;
                for (var b = 0; b < broadcasts; b++)
                {
                    number++;
                    var all = meter.Expect(number, count);
                    var intended = context.Clock.GetTimestamp();
                    await publisher.PublishAsync(number, intended, ct).ConfigureAwait(false);
                    try
                    {
                        await all.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        incomplete++;
                    }

                    var (_, last) = meter.Read();
                    if (last > 0)
                    {
                        completion.RecordValue(Math.Max(1, (long)context.Clock.GetElapsedTime(intended, last).TotalMicroseconds));
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
                }

                fanOut.Add(new FanOutPoint(count, broadcasts, completion.GetValueAtPercentile(50), completion.GetValueAtPercentile(99),
                    completion.GetValueAtPercentile(100), incomplete));
                lastFanOut = HistogramCodec.Summarize(completion);
                var rssEach = memory.Count > 0
                    ? memory[^1].RssKiBPerSubscriber.ToString("N1", CultureInfo.InvariantCulture) + " KiB RSS each"
                    : "memory not measured";
                var harnessEach = memory.Count > 0 && memory[^1].HarnessRssKiBPerSubscriber is { } h
                    ? " (harness " + h.ToString("N1", CultureInfo.InvariantCulture) + " KiB each)"
                    : "";
                context.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                    $"  {Name}/{transport.Name}: {count:N0} subscribers, " +
                    $"{rssEach}{harnessEach}; fan-out p50 {Bench.Reports.Metrics.Formats.Milliseconds(fanOut[^1].P50Us)}"));
            }

            var openedPerSec = held.Count / Math.Max(0.001, held.OpeningSeconds);

            // Idle: every subscriber held, nothing published; keep-alive is all that moves.
            context.Progress.Message(string.Create(CultureInfo.InvariantCulture, $"  {Name}/{transport.Name}: holding {held.Count:N0} " +
                $"idle for {idle.TotalSeconds:0} s"));
            var harness = CpuMeter.ForCurrentProcess(context.Clock);
            if (spread is not null)
            {
                await spread.CpuAsync(ct).ConfigureAwait(false);
            }

            var cpuBefore = target.CpuTime();
            await Task.Delay(idle, ct).ConfigureAwait(false);
            var idleCpuSeconds = (target.CpuTime() - cpuBefore).TotalSeconds;
            var (_, harnessPercent) = harness.Read();
            if (spread is not null)
            {
                // The harness is the agents: their CPU over the idle window, added up.
                harnessPercent = (await spread.CpuAsync(ct).ConfigureAwait(false)).Sum();
            }
            var idlePercent = 100 * idleCpuSeconds / (idle.TotalSeconds * Environment.ProcessorCount);
            if (target.HasExited)
            {
                throw target.DiedException($"{Name}/{transport.Name}");
            }

            connectUs.Sort();
            var summary = new ConnectionsSummary(
                held.Count, failed,
                held.TimesConnects && connectUs.Count > 0 ? Percentile(connectUs, 50) : null,
                held.TimesConnects && connectUs.Count > 0 ? Percentile(connectUs, 99) : null,
                Math.Round(openedPerSec, 1), held.SourceAddresses, idle.TotalSeconds,
                target.ResourcesMeasured ? Math.Round(idlePercent, 2) : null,
                held.KeepAliveSeconds, memory, fanOut, transport.SubscriberNoun);
            var deliveries = recorder.Delivered;
            return new ScenarioResult
            {
                Scenario = Name,
                Description = Description,
                Transport = transport.Name,
                Parameters = new ScenarioParameters(0, n, s.PayloadBytes, idle.TotalSeconds, 0, n),
                LatencyUs = lastFanOut!,
                Throughput = new ThroughputSummary(0, 0, 0),
                Counts = new DeliveryCounts(number, deliveries, 0, 0, 0, failed),
                Generator = new GeneratorStats(0, 0, Math.Round(harnessPercent, 2)),
                Target = target.ResourcesMeasured
                    ? new TargetStats(Math.Round(idleCpuSeconds, 2), Math.Round(target.PeakRssMiB(), 2), Math.Round(idlePercent, 2))
                    : new TargetStats(0, 0, 0, Measured: false),
                Connections = summary,
                Warnings = failed == 0 ? []
                    : spread is null ? [WarningKinds.ConnectionsFailed.Of(failed, n, held.Count)]
                    : [WarningKinds.ConnectionsFailed.Spread(failed, n, held.Count, Limits(spread))],
                Agents = spread?.Health() ?? [],
                Distribution = spread?.Distribution(context.Fleet!.Clock),
            };
        }
    }

    /// <summary>Which side's limit stood in the way: the agents' (each holds its share) or the target's (it holds them all).</summary>
    private static SpreadLimits Limits(Distributed.AgentHeldSubscribers spread)
    {
        var worst = spread.Health().MaxBy(a => a.Errors)!;
        return new SpreadLimits(spread.Health().Max(a => a.Subscribers), OpenFileLimit(), worst.Index, worst.Errors, spread.Count,
            Targets.ProcessReadings.OpenFileLimit(spread.Target));
    }

    private static long Percentile(List<long> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];


}
