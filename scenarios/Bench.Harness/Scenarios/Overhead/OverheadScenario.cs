using System.Globalization;
using Bench.Harness.Clients;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Transports;
using Bench.Reports.Model;
using Bench.Reports.Warnings;
using Bench.Targets.Wire;

namespace Bench.Harness.Scenarios.Overhead;

/// <summary>
/// What each delivered event costs: bytes on the wire, counted on the subscribers' sockets in both directions with
/// handshakes apart, and CPU time in the target and in the harness — for payloads of 64 B, 1 KiB and 16 KiB, per
/// transport and variant. The load is the push scenario's, at a modest rate so that nothing queues.
/// </summary>
public sealed class OverheadScenario : Interleaved.IInterleavedScenario
{
    public static readonly IReadOnlyList<int> PayloadSizes = [64, 1024, 16 * 1024];

    public string Name => "overhead";

    public string Description =>
        "Cost per delivered event: bytes on the wire in each direction (counted on the subscribers' sockets, connection handshakes " +
            "apart) and CPU time in the target and the harness, for 64 B, 1 KiB and 16 KiB payloads.";

    public string SettingsNote => "Payloads 64 B, 1 KiB and 16 KiB unless --payload; variants default, tls, compression and (webhook) " +
        "cold unless --variant (the default suite: 1 KiB over the default wire only).";

    public bool ConnectionsFollowSubscribers => true;

    public ScenarioSettings Defaults(Profile profile) => new()
    {
        // Push's load (100 events/s to 50 subscribers), so that CPU per delivery is at the same fan-out: what each
        // event costs is shared among its subscribers, and a different fan-out would give a different figure.
        RatePerSec = 100,
        Subscribers = 50,
        PayloadBytes = PayloadSizes[0],
        Connections = 50,
        Duration = profile == Profile.Full ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(5),
        Warmup = TimeSpan.FromSeconds(3),
        CostProbe = PushScenario.CostProbeLength,
    };

    public IReadOnlyList<string> Variants(ITransport transport) => [.. transport.DeliveryVariants.Where(v => v != WanLink.Variant)];

    /// <summary>
    /// Every transport × variant × payload size. With no <c>--variant</c>, the default wire plus tls, compression and
    /// (webhook) cold — or, in the default suite, the default wire alone. <c>--payload</c> measures that one size only.
    /// </summary>
    public IEnumerable<ScenarioCase> Cases(RunPlan plan)
    {
        // The default suite measures the 1 KiB payload alone; the scenario named runs all three sizes.
        IReadOnlyList<int> sizes = plan.PayloadBytes is { } p ? [p] : plan.Brief ? [1024] : PayloadSizes;
        foreach (var transport in plan.Transports)
        {
            if (transport.Unsupported(Name) is { } reason)
            {
                yield return ScenarioCase.NotApplicable(this, transport, $"{Name}/{transport.Name}", reason);
                continue;
            }

            var variants = plan.Variants.Count > 0 ? plan.VariantsFor(this, transport)
                : plan.Brief ? [VariantName.Default] : Variants(transport);
            foreach (var variant in variants)
            {
                foreach (var size in sizes)
                {
                    yield return new ScenarioCase(transport, variant,
                        $"{Name}/{transport.Name}{VariantName.Suffix(variant)}/{Formats(size)}",
                        (context, ct) => RunAsync(context with { Settings = Sized(context.Settings, size) }, transport, variant, ct));
                }
            }
        }
    }

    /// <summary>
    /// Interleaved when one payload size is measured (the default suite's 1 KiB, or --payload): each transport's side
    /// goes over a counting wire, whose bytes over the side's whole life (warm-up too) are divided by the events its
    /// subscribers received over it; CPU per event is the marginal cost from the full- and half-rate blocks.
    /// </summary>
    Interleaved.ComparisonPlan? Interleaved.IInterleavedScenario.Comparison(RunPlan plan, ScenarioSettings settings,
        IReadOnlyList<ITransport> transports)
    {
        // One size over the default wire only: the default suite, or --payload with no other variant asked for.
        int? size = plan.PayloadBytes ?? (plan.Brief ? 1024 : null);
        if (size is not { } bytes || !(plan.Brief || plan.Variants.Count > 0))
        {
            return null;
        }

        var sized = Sized(settings, bytes);
        var wires = new (WireTotals Totals, long Events, double EnvelopeSum)[transports.Count];
        var comparison = new Interleaved.ComparisonPlan(Name, Description, transports,
            async (context, transport, ct) =>
                await Interleaved.PushBlockSide.StartAsync(context, transport, DeliveryWire.For(VariantName.Default, count: true), ct)
                .ConfigureAwait(false))
        {
            Collect = (i, side) =>
            {
                var push = (Interleaved.PushBlockSide)side;
                var events = push.Accounting.Trackers.Sum(t => t.Snapshot().Distinct);
                var (t, e, env) = wires[i];
                var r = push.Wire.Meter!.Read();
                var sum = new WireTotals(t.Sent + r.Sent, t.Received + r.Received, t.HandshakeSent + r.HandshakeSent,
                    t.HandshakeReceived + r.HandshakeReceived,
                    t.Connections + r.Connections);
                wires[i] = (sum, e + events, env + (push.Accounting.MeanBodyBytes * events));
            },
            Finish = (i, result) => WithWire(result, transports[i], bytes, wires[i]),
        };
        return Interleaved.ComparisonShape.Shape(comparison, plan, sized);
    }

    private ScenarioResult WithWire(
        ScenarioResult result, ITransport transport, int payload, (WireTotals Totals, long Events, double EnvelopeSum) w)
    {
        var events = Math.Max(1, w.Events);
        var totals = w.Totals;
        var handshake = totals.HandshakeSent + totals.HandshakeReceived;
        var marginal = Bench.Reports.Stats.MarginalCost.Of(result);
        var seconds = result.Blocks.Sum(b => b.Seconds);
        var delivered = Math.Max(1, result.Blocks.Sum(b => b.Delivered));
        var harnessUs = result.Generator.CpuPercent / 100 * Environment.ProcessorCount * seconds * 1e6;
        var summary = new WireSummary(payload, (int)Math.Round(w.EnvelopeSum / events), w.Events, Round(totals.Received / (double)events),
            Round(totals.Sent / (double)events), totals.Connections,
            Round(totals.Connections == 0 ? 0 : handshake / (double)totals.Connections),
            Round((totals.Received + totals.Sent + handshake) / (double)events), marginal?.CpuUsPerDelivery,
            Round(harnessUs / delivered), transport.WireCountedOn,
            marginal is null ? null : "marginal");
        return result with { Wire = summary };
    }

    /// <summary>The settings for one payload size.</summary>
    private static ScenarioSettings Sized(ScenarioSettings s, int size) => s with { PayloadBytes = size };

    private static string Formats(int bytes) => bytes >= 1024
        ? (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "KiB"
        : bytes.ToString(CultureInfo.InvariantCulture) + "B";

    private async Task<ScenarioResult> RunAsync(ScenarioContext context, ITransport transport, string variant, CancellationToken ct)
    {
        using var wire = DeliveryWire.For(variant, count: true);
        long events = 0;
        double envelope = 0;
        LoadOutcome? outcome = null;
        var result = await new PushScenario().RunAsync(context, transport, variant, wire, (accounting, o) =>
        {
            events = accounting.Trackers.Sum(t => t.Snapshot().Distinct);
            envelope = accounting.MeanBodyBytes;
            outcome = o;
        }, ct).ConfigureAwait(false);
        var totals = wire.Meter!.Read();

        // Hub transports' bytes are counted on the subscriber clients (received = from the target); webhook bytes on
        // the receivers' server side (received = the dispatcher's requests).
        var toSubscriber = totals.Received;
        var fromSubscriber = totals.Sent;
        var handshake = totals.HandshakeSent + totals.HandshakeReceived;
        var measured = Math.Max(1, result.Counts.Delivered);
        var o = outcome!;
        var cores = Environment.ProcessorCount;
        var summary = new WireSummary(
            context.Settings.PayloadBytes,
            (int)Math.Round(envelope),
            events,
            Round(toSubscriber / (double)Math.Max(1, events)),
            Round(fromSubscriber / (double)Math.Max(1, events)),
            totals.Connections,
            Round(totals.Connections == 0 ? 0 : handshake / (double)totals.Connections),
            Round((toSubscriber + fromSubscriber + handshake) / (double)Math.Max(1, events)),
            null,
            Round(o.GeneratorCpuPercent / 100 * cores * o.MeasuredSeconds * 1e6 / measured),
            transport.WireCountedOn);
        // Schedule lag only distorts latency, which this scenario does not report; its bytes and CPU are unaffected.
        var warnings = result.Warnings.Where(w => !w.Is(WarningKinds.GeneratorLate)).ToList();

        // CPU per event is marginal (the slope between the cost probe and the measured window) where the probe ran;
        // else, and for a target Bench cannot see, the plain average or nothing.
        var average = o.TargetMeasured ? Round(o.TargetCpuSeconds * 1e6 / measured) : (double?)null;
        var costed = result with { Scenario = Name, Description = Description, Warnings = warnings };
        var marginal = Bench.Reports.Stats.MarginalCost.Of(costed);
        return costed with
        {
            Wire = summary with
            {
                TargetCpuUsPerEvent = marginal?.CpuUsPerDelivery ?? average,
                TargetCpuMethod = marginal is null ? "average" : "marginal"
            },
        };
    }

    private static double Round(double v) => Math.Round(v, 2);
}
