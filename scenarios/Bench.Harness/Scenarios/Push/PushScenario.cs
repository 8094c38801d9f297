using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Transports;
using Bench.Reports.Model;

namespace Bench.Harness.Scenarios.Push;

/// <summary>
/// Fan-out: the harness publishes events to the target at a fixed rate over the shared publishing connection, and
/// the target delivers each one to every subscriber through the transport's fan-out — clients of the hub, or webhook
/// endpoints (hosted by the harness) of the dispatcher. Latency is arrival minus intended publish time, per subscriber; every (subscriber,
/// seq) is accounted for.
/// </summary>
public sealed class PushScenario : Interleaved.IInterleavedScenario
{
    public string Name => "push";

    public string Description =>
        "Fan-out: each published event is delivered by the target to every subscriber (WebSocket, SignalR and SSE clients of the hub, or " +
            "webhook endpoints called by the dispatcher); latency is from the intended publish time to arrival at each subscriber.";

    public bool ConnectionsFollowSubscribers => true;

    public ScenarioSettings Defaults(Profile profile) => new()
    {
        RatePerSec = 100,
        Subscribers = profile == Profile.Ci ? 10 : 50,
        PayloadBytes = 256,
        Connections = profile == Profile.Ci ? 10 : 50,
        Duration = profile.Duration,
        Warmup = profile.Warmup,
        CostProbe = profile == Profile.Ci ? TimeSpan.Zero : CostProbeLength,
    };

    /// <summary>The half-rate stretch before the measured window that the marginal cost is measured against.</summary>
    public static readonly TimeSpan CostProbeLength = TimeSpan.FromSeconds(5);

    public IReadOnlyList<string> Variants(ITransport transport) => transport.DeliveryVariants;

    public IEnumerable<ScenarioCase> Cases(RunPlan plan) =>
        ScenarioCase.PerTransport(this, plan, Name, Name, (transport, variant) => (context, ct) => RunAsync(context,
            transport, variant, ct));

    Interleaved.ComparisonPlan? Interleaved.IInterleavedScenario.Comparison(RunPlan plan, ScenarioSettings settings,
        IReadOnlyList<ITransport> transports) =>
        Interleaved.ComparisonShape.Shape(new(Name, Description, transports, Interleaved.PushBlockSide.StartAsync), plan, settings);

    public Task<ScenarioResult> RunAsync(ScenarioContext context, ITransport transport, string variant, CancellationToken ct) =>
        transport is ISelfPublishingTarget { PublishesItself: true } own
            ? own.RunSubscribedAsync(context, ct)
            : context.Fleet is { } fleet && context.Agent is null
            ? Distributed.AgentFleet.RunPushAsync(context, transport, fleet, ct)
            : RunAsync(context, transport, variant, null, null, ct);

    /// <summary>
    /// A push run over <paramref name="givenWire"/> (the overhead scenario counts it; null makes one for the variant);
    /// <paramref name="inspect"/> sees the accounting and the load's outcome before the targets stop.
    /// </summary>
    public async Task<ScenarioResult> RunAsync(
        ScenarioContext context, ITransport transport, string variant, DeliveryWire? givenWire,
        Action<DeliveryAccounting, LoadOutcome>? inspect, CancellationToken ct)
    {
        var s = context.Settings;
        using var ownWire = givenWire is null ? DeliveryWire.For(variant) : null;
        var wire = givenWire ?? ownWire!;
        var agent = context.Agent;
        if (agent is not null)
        {
            // An agent connects to the target it was given (a Service name on Kubernetes), as a target file's hosts are
            // allowed; everything else stays loopback only. The wrapper shares the wire's meter and identity.
            wire = wire.WithHosts([new Uri(agent.Target.Handle.Url).Host]);
        }

        var streams = Enumerable.Range(agent?.FirstStream ?? 0, s.Subscribers).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture))
            .ToList();
        var maxMessage = Math.Max(64 * 1024, s.PayloadBytes * 2 + 1024);
        var token = Secrets.NewToken();
        var load = new MeasuredLoad(context, Name, transport.Name);
        var recorder = load.NewRecorder();
        var publishRecorder = load.NewRecorder();
        var accounting = agent is null
            ? new DeliveryAccounting(recorder, streams)
            : new DeliveryAccounting(recorder, streams, agent.Count) { Timed = agent.Times };
        var setup = new PushSetup(agent?.Target.Token ?? token, streams, accounting, maxMessage, variant, wire)
        {
            Attached = agent?.Target,
            FirstStreamIndex = agent?.FirstStream ?? 0
        };

        var fanOut = await transport.StartPushAsync(context, setup, ct).ConfigureAwait(false);
        await using (fanOut.ConfigureAwait(false))
        {
            var publisher = await fanOut.ConnectPublisherAsync(new Payloads(s.PayloadBytes), ct).ConfigureAwait(false);
            await using (publisher.ConfigureAwait(false))
            {
                var tally = new PublishTally(recorder);
                var outcome = await load.RunAsync(fanOut.Target, recorder, publishRecorder, 1, async (it, token) =>
                {
                    // An agent's events are numbered apart from the other agents': agent k of n publishes k+1, k+1+n, …
                    var number = agent?.EventNumber(it.Number) ?? it.Number;
                    await publisher.PublishAsync(number, it.IntendedTimestamp, token).ConfigureAwait(false);
                    tally.Published(number, it.IntendedTimestamp);
                }, () => tally.Drained(publisher, accounting, context.Clock), ct).ConfigureAwait(false);

                // Read even when the run was cancelled: the partial result keeps what the target counted.
                var extraErrors = await fanOut.TargetErrorsAsync(CancellationToken.None).ConfigureAwait(false);
                foreach (var (kind, count) in publishRecorder.ErrorsByKind.Snapshot())
                {
                    extraErrors["publish_" + kind] = count;
                }

                inspect?.Invoke(accounting, outcome);
                if (agent is not null)
                {
                    // The other agents' last events may still be on their way: wait until arrivals stop, then freeze
                    // the accounting so that the shard's event sets and its histogram cover the same arrivals.
                    await SettleAsync(accounting, context.Clock, s.DrainTimeout, ct).ConfigureAwait(false);
                    accounting.Freeze();
                    agent.Evidence?.Invoke(new PushEvidence(publisher.Accepted(), tally.Measured(), tally.FirstMeasured, accounting));
                }

                var counts = Count(recorder, accounting, publisher, tally.FirstMeasured);
                var warnings = fanOut.Warnings().ToList();
                var result = ResultBuilder.Build(Name, Description, transport.Name, s, recorder, outcome, counts,
                    recorder.Sent, extraErrors, warnings);
                return result with { Variant = variant, Guarantee = fanOut.Guarantee ?? transport.Guarantee };
            }
        }
    }

    /// <summary>
    /// Exact counts over the measured window, from every subscriber's stream. An event counts as accepted when the
    /// target acknowledged it or any subscriber received it (an acknowledgement can be lost with a dying target).
    /// </summary>
    public static DeliveryCounts Count(
        RunRecorder recorder, DeliveryAccounting accounting, IEventPublisher publisher, long firstMeasured) => Count(
        recorder, accounting, AcceptedOrReceived(publisher, accounting), publisher.Rejected, firstMeasured);

    /// <summary>
    /// Exact counts over the measured window of the events in <paramref name="accepted"/> (numbered
    /// <paramref name="firstMeasured"/> or later), <paramref name="rejected"/> publishes refused: whoever published them.
    /// </summary>
    public static DeliveryCounts Count(
        RunRecorder recorder, DeliveryAccounting accounting, SequenceSet accepted, long rejected, long firstMeasured)
    {
        var streams = accounting.Trackers.Select(t => t.Snapshot()).ToList();
        var lost = accounting.Trackers.Sum(t => t.LostOf(accepted, firstMeasured));
        var (duplicated, outOfOrder) = (streams.Sum(t => t.Duplicated), streams.Sum(t => t.OutOfOrder));
        return new DeliveryCounts(recorder.Sent, recorder.Delivered, lost, duplicated, outOfOrder, recorder.Errors, rejected);
    }

    /// <summary>How long without an arrival, with every stream holding the same events, counts as settled.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Waits until every stream holds the same events and nothing has arrived for <see cref="Quiet"/>, or
    /// <paramref name="limit"/> passes: what an agent can know of the other agents' events is what its own streams saw.
    /// </summary>
    private static async Task SettleAsync(DeliveryAccounting accounting, TimeProvider clock, TimeSpan limit, CancellationToken ct)
    {
        var deadline = clock.GetTimestamp() + (long)(limit.TotalSeconds * clock.TimestampFrequency);
        while (clock.GetTimestamp() < deadline && !ct.IsCancellationRequested)
        {
            var quiet = accounting.LastArrival == 0 || clock.GetElapsedTime(accounting.LastArrival) >= Quiet;
            if (quiet && SameEverywhere(accounting))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static bool SameEverywhere(DeliveryAccounting accounting)
    {
        var union = new Engine.Recording.SequenceSet();
        foreach (var tracker in accounting.Trackers)
        {
            union.UnionWith(tracker.Seen());
        }

        return accounting.AllArrived(union);
    }

    /// <summary>What an agent's shard carries to the merge besides its result: the exact event sets.</summary>
    public sealed record PushEvidence(
        Engine.Recording.SequenceSet Accepted,
        Engine.Recording.SequenceSet Measured,
        long FirstMeasured,
        DeliveryAccounting Accounting);

    public static Engine.Recording.SequenceSet AcceptedOrReceived(IEventPublisher publisher, DeliveryAccounting accounting)
    {
        var accepted = publisher.Accepted();
        foreach (var tracker in accounting.Trackers)
        {
            accepted.UnionWith(tracker.Seen());
        }

        return accepted;
    }
}
