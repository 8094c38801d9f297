using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Histograms;
using Bench.Reports.Warnings;
using HdrHistogram;

namespace Bench.Harness.Interleaved;

/// <summary>
/// One side (base or head) of an interleaved case: its target, started from its own build and kept running, and its
/// clients, connected once. Each block is a short open-model load against it; a block's figures are its own.
/// </summary>
internal abstract class BlockSide : IAsyncDisposable
{
    protected BlockSide(ScenarioContext context) => Context = context;

    protected ScenarioContext Context { get; }

    public abstract ITargetHandle Target { get; }

    /// <summary>Every latency of this side's blocks, for the case's summary.</summary>
    public HistogramBase Latency { get; } = Histograms.Create();

    public double CpuSeconds { get; protected set; }

    /// <summary>Blocks whose CPU came from the coarse 10 ms counter because a target thread exited during them.</summary>
    public int CoarseCpuBlocks { get; protected set; }

    /// <summary>
    /// Runs one block of <paramref name="length"/> at <paramref name="rateFactor"/> times the scenario's rate;
    /// <paramref name="record"/> false for warm-up (nothing is kept).
    /// </summary>
    public abstract Task<BlockResult> RunBlockAsync(int side, int pair, int position, TimeSpan length, bool record,
        CancellationToken ct, double rateFactor = 1);

    /// <summary>The delivery guarantee of this side's setup, where the transport states one.</summary>
    public virtual string? Guarantee => null;

    /// <summary>What this side's clients say of their connections so far (a subscriber that reconnected).</summary>
    public virtual IEnumerable<RunWarning> Warnings() => [];

    /// <summary>
    /// At the end of a launch, for each block it recorded (in order): how many of the deliveries it counted lost have
    /// arrived since, after one more wait of at most <paramref name="limit"/>. Empty where a block cannot be late (rtt).
    /// </summary>
    public virtual Task<IReadOnlyList<long>> LateArrivalsAsync(TimeSpan limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<long>>([]);

    /// <summary>Whether the last block's target CPU came from the threads' scheduler time (else the 10 ms counter).</summary>
    protected bool LastCpuExact { get; private set; }

    /// <summary>The harness's own CPU over a block, from its threads' scheduler time (µs), or NaN when unreadable.</summary>
    protected static (TimeSpan Cpu, HashSet<int>? Threads) HarnessCpu() =>
        ProcessReadings.ThreadCpuTime(Environment.ProcessId) is { } exact
            ? (exact.Cpu, exact.Threads) : (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, null);

    public abstract ValueTask DisposeAsync();

    protected (TimeSpan Cpu, HashSet<int>? Threads) ReadCpu() =>
        Target is TargetProcess p && ProcessReadings.ThreadCpuTime(p.ProcessId) is { } exact
            ? (exact.Cpu, exact.Threads) : (Target.CpuTime(), null);

    /// <summary>
    /// The target's CPU over a block: exact from the threads' scheduler time when no thread came or went between the
    /// two readings' sets in a way that loses time (one that exited); else the process counter, in 10 ms ticks.
    /// </summary>
    protected double CpuUsBetween((TimeSpan Cpu, HashSet<int>? Threads) before, TimeSpan coarseBefore, bool record)
    {
        var after = ReadCpu();
        double us;
        LastCpuExact = before.Threads is not null && after.Threads is not null && before.Threads.IsSubsetOf(after.Threads);
        if (LastCpuExact)
        {
            us = (after.Cpu - before.Cpu).TotalMicroseconds;
        }
        else
        {
            us = (Target.CpuTime() - coarseBefore).TotalMicroseconds;
            if (record)
            {
                CoarseCpuBlocks++;
            }
        }

        if (record)
        {
            CpuSeconds += us / 1e6;
        }

        return us;
    }

    protected BlockResult Keep(
        int side, int pair, int position, RunRecorder recorder, long sent, long delivered, long lost, long duplicated, long errors,
        double cpuUs, TimeSpan length, bool record)
    {
        var latency = recorder.LatencySnapshot();
        if (record)
        {
            Latency.Add(latency);
        }

        return new BlockResult(side, pair, position, HistogramCodec.ValueAtPercentile(latency, 50),
            HistogramCodec.ValueAtPercentile(latency, 90), HistogramCodec.ValueAtPercentile(latency, 99),
            sent, delivered, errors, cpuUs, length.TotalSeconds)
        { Lost = lost, Duplicated = duplicated, Latency = latency, CpuExact = LastCpuExact };
    }

    /// <summary>
    /// An open-model load of one block: <paramref name="rate"/> a second for <paramref name="length"/>, numbered from
    /// <paramref name="first"/>.
    /// </summary>
    protected LoadRunner Runner(double rate, TimeSpan length, int virtualUsers, long first = 1) =>
        new(new LoadRunnerOptions
        {
            Simulations = [Simulation.Inject(rate, length)],
            VirtualUsers = virtualUsers,
            TimeProvider = Context.Clock,
            FirstNumber = first,
            DrainTimeout = TimeSpan.FromSeconds(5),
        });

    /// <summary>A recorder for one block, starting now, nothing of it warm-up.</summary>
    protected RunRecorder NewRecorder(TimeSpan length) =>
        new(Context.Clock, Context.Clock.GetTimestamp(), TimeSpan.Zero, (int)Math.Ceiling(length.TotalSeconds) + 10);

    /// <summary>The target's CPU readings at a block's start: exact (with its threads) and coarse.</summary>
    protected ((TimeSpan Cpu, HashSet<int>? Threads) Exact, TimeSpan Coarse) CpuAtStart() => (ReadCpu(), Target.CpuTime());
}

/// <summary>rtt: request and answer over the transport's echo, on kept-alive connections, at a fixed rate.</summary>
internal sealed class RttBlockSide : BlockSide
{
    private readonly IRttSession session;
    private readonly DeliveryWire wire;
    private readonly Payloads payload;

    private RttBlockSide(ScenarioContext context, IRttSession session, DeliveryWire wire) : base(context)
    {
        this.session = session;
        this.wire = wire;
        payload = new Payloads(context.Settings.PayloadBytes);
    }

    public override ITargetHandle Target => session.Target;

    public static async Task<BlockSide> StartAsync(ScenarioContext context, ITransport transport, CancellationToken ct)
    {
        var wire = DeliveryWire.For("default");
        try
        {
            var maxMessage = Math.Max(64 * 1024, context.Settings.PayloadBytes * 2 + 1024);
            var session = await transport.StartRttAsync(context, new RttSetup(context.Settings.Connections, maxMessage, "default", wire,
                false), ct).ConfigureAwait(false);
            return new RttBlockSide(context, session, wire);
        }
        catch
        {
            wire.Dispose();
            throw;
        }
    }

    public override async Task<BlockResult> RunBlockAsync(int side, int pair, int position, TimeSpan length, bool record,
        CancellationToken ct, double rateFactor = 1)
    {
        var s = Context.Settings;
        var (cpu, coarse) = CpuAtStart();
        var recorder = NewRecorder(length);
        var run = await Runner(s.RatePerSec * rateFactor, length, s.Connections).RunAsync((it, token) =>
            session.ExchangeAsync(it, payload, token), recorder, ct).ConfigureAwait(false);
        var cpuUs = CpuUsBetween(cpu, coarse, record);
        var lost = Math.Max(0, recorder.Sent - recorder.Delivered - recorder.Errors);
        return Keep(side, pair, position, recorder, recorder.Sent, recorder.Delivered, lost, 0, recorder.Errors, cpuUs, length, record)
            with
        { ScheduleLag = run.ScheduleLagUs, Dropped = run.Dropped };
    }

    public override async ValueTask DisposeAsync()
    {
        await session.DisposeAsync().ConfigureAwait(false);
        wire.Dispose();
    }
}

/// <summary>
/// push: events published at a fixed rate, each delivered to every subscriber. A block ends when every subscriber
/// holds every event the block's publishes had accepted (or 5 s pass), so each block's deliveries, losses and CPU
/// are its own.
/// </summary>
internal sealed class PushBlockSide : BlockSide
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
    private readonly IPushFanOut fanOut;
    private readonly IEventPublisher publisher;
    private readonly DeliveryAccounting accounting;
    private readonly DeliveryWire wire;
    private readonly List<(SequenceSet Events, long Lost)> recorded = [];
    private long nextNumber = 1;
    private long duplicatedBefore;

    private PushBlockSide(ScenarioContext context, IPushFanOut fanOut, IEventPublisher publisher, DeliveryAccounting accounting,
        DeliveryWire wire) : base(context)
    {
        this.fanOut = fanOut;
        this.publisher = publisher;
        this.accounting = accounting;
        this.wire = wire;
    }

    public override ITargetHandle Target => fanOut.Target;

    public override string? Guarantee => fanOut.Guarantee;

    public override IEnumerable<RunWarning> Warnings() => fanOut.Warnings();

    /// <summary>Every subscriber's stream, warm-up included (the overhead scenario divides its bytes by these events).</summary>
    public DeliveryAccounting Accounting => accounting;

    /// <summary>The wire the subscribers' connections go over; counting, for the overhead scenario.</summary>
    public DeliveryWire Wire => wire;

    public static async Task<BlockSide> StartAsync(ScenarioContext context, ITransport transport, CancellationToken ct) =>
        await StartAsync(context, transport, DeliveryWire.For("default"), ct).ConfigureAwait(false);

    /// <summary>A push side over <paramref name="wire"/> (a counting wire for the overhead scenario), which it owns from here.</summary>
    public static async Task<PushBlockSide> StartAsync(ScenarioContext context, ITransport transport,
        DeliveryWire wire, CancellationToken ct)
    {
        var s = context.Settings;
        IPushFanOut? fanOut = null;
        try
        {
            var streams = Enumerable.Range(0, s.Subscribers)
                .Select(i => "s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var accounting = new DeliveryAccounting(new RunRecorder(context.Clock, context.Clock.GetTimestamp(),
                TimeSpan.Zero, 10), streams);
            var maxMessage = Math.Max(64 * 1024, s.PayloadBytes * 2 + 1024);
            fanOut = await transport.StartPushAsync(context, new PushSetup(Secrets.NewToken(), streams, accounting, maxMessage, "default",
                wire), ct).ConfigureAwait(false);
            var publisher = await fanOut.ConnectPublisherAsync(new Payloads(s.PayloadBytes), ct).ConfigureAwait(false);
            return new PushBlockSide(context, fanOut, publisher, accounting, wire);
        }
        catch
        {
            if (fanOut is not null)
            {
                await fanOut.DisposeAsync().ConfigureAwait(false);
            }

            wire.Dispose();
            throw;
        }
    }

    public override async Task<BlockResult> RunBlockAsync(int side, int pair, int position, TimeSpan length, bool record,
        CancellationToken ct, double rateFactor = 1)
    {
        var s = Context.Settings;
        var clock = Context.Clock;
        var (cpu, coarse) = CpuAtStart();
        var deliveries = NewRecorder(length);
        var publishes = NewRecorder(length);
        accounting.RecordInto(deliveries);
        var first = nextNumber;
        long published = 0;
        var run = await Runner(s.RatePerSec * rateFactor, length, 1, first).RunAsync(async (it, token) =>
        {
            await publisher.PublishAsync(it.Number, it.IntendedTimestamp, token).ConfigureAwait(false);
            Interlocked.Exchange(ref published, Math.Max(Interlocked.Read(ref published), it.Number));
        }, publishes, ct).ConfigureAwait(false);
        nextNumber = Math.Max(first + publishes.Sent, Interlocked.Read(ref published) + 1);

        // This block's events — accepted by the target, or received by a subscriber (an acknowledgement can come after
        // the delivery) — and the wait until every subscriber holds them; then once more, for acknowledgements that
        // arrived during the wait.
        SequenceSet BlockEvents()
        {
            var accepted = PushScenario.AcceptedOrReceived(publisher, accounting);
            var events = new SequenceSet();
            for (var n = first; n < nextNumber; n++)
            {
                if (accepted.Contains(n))
                {
                    events.Add(n);
                }
            }

            return events;
        }

        var block = BlockEvents();
        var deadline = clock.GetTimestamp() + (long)(DrainLimit.TotalSeconds * clock.TimestampFrequency);
        for (var pass = 0; pass < 2; pass++, block = BlockEvents())
        {
            while (!accounting.AllArrived(block) && clock.GetTimestamp() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), ct).ConfigureAwait(false);
            }
        }

        var cpuUs = CpuUsBetween(cpu, coarse, record);
        var lost = BlockLosses.Missing(block, accounting);
        var duplicated = accounting.Trackers.Sum(t => t.Snapshot().Duplicated);
        var newDuplicates = duplicated - duplicatedBefore;
        duplicatedBefore = duplicated;
        var sent = block.Count * accounting.Trackers.Count + publishes.Errors * accounting.Trackers.Count;
        // A publish that failed is an error of the block, as a delivery that failed is.
        // Delivered from the event sets, not the recorder: an arrival that races the switch of recorders between blocks
        // (seen once in CI) would otherwise count in the next block.
        var delivered = (block.Count * accounting.Trackers.Count) - lost + newDuplicates;
        if (record)
        {
            recorded.Add((block, lost));
        }

        return Keep(side, pair, position, deliveries, sent, delivered, lost, newDuplicates, deliveries.Errors + publishes.Errors, cpuUs,
            length, record)
            with
        { ScheduleLag = run.ScheduleLagUs, Dropped = run.Dropped };
    }

    /// <summary>
    /// A delivery that missed its block's drain limit (a loaded machine, a reconnecting subscriber) is late, not lost, if
    /// it arrives before the launch ends: one more wait for every recorded block's events, then each block's losses again.
    /// </summary>
    public override async Task<IReadOnlyList<long>> LateArrivalsAsync(TimeSpan limit, CancellationToken ct)
    {
        var missing = recorded.Where(r => r.Lost > 0).ToList();
        var clock = Context.Clock;
        var deadline = clock.GetTimestamp() + (long)(limit.TotalSeconds * clock.TimestampFrequency);
        while (missing.Any(r => !accounting.AllArrived(r.Events)) && clock.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
        }

        var late = BlockLosses.Late(recorded, accounting);
        recorded.Clear();
        return late;
    }

    public override async ValueTask DisposeAsync()
    {
        await publisher.DisposeAsync().ConfigureAwait(false);
        await fanOut.DisposeAsync().ConfigureAwait(false);
        wire.Dispose();
    }
}
