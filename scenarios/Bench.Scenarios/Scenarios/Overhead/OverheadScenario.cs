using System.Globalization;
using Bench.Reports.Model;
using Bench.Scenarios.Clients;
using Bench.Scenarios.Plan;
using Bench.Scenarios.Running;
using Bench.Scenarios.Scenarios.Push;
using Bench.Scenarios.Transports;

namespace Bench.Scenarios.Scenarios.Overhead;

/// <summary>
/// What each delivered event costs: bytes on the wire, counted on the subscribers' sockets in both directions with
/// handshakes apart, and CPU time in the target and in the harness — for payloads of 64 B, 1 KiB and 16 KiB, per
/// transport and variant. The load is the push scenario's, at a modest rate so that nothing queues.
/// </summary>
public sealed class OverheadScenario : IScenario
{
    public static readonly IReadOnlyList<int> PayloadSizes = [64, 1024, 16 * 1024];

    public string Name => "overhead";

    public string Description =>
        "Cost per delivered event: bytes on the wire in each direction (counted on the subscribers' sockets, connection handshakes apart) and CPU time in the target and the harness, for 64 B, 1 KiB and 16 KiB payloads.";

    public string SettingsNote => "Payloads 64 B, 1 KiB and 16 KiB unless --payload; variants default, tls, compression and (webhook) cold unless --variant (the default suite: 1 KiB over the default wire only).";

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

            var variants = plan.Variants.Count > 0 ? plan.VariantsFor(this, transport) : plan.Brief ? [VariantName.Default] : Variants(transport);
            foreach (var variant in variants)
            {
                foreach (var size in sizes)
                {
                    yield return new ScenarioCase(transport, variant, $"{Name}/{transport.Name}{VariantName.Suffix(variant)}/{Formats(size)}",
                        (context, ct) => RunAsync(context with { Settings = Sized(context.Settings, size) }, transport, variant, ct));
                }
            }
        }
    }

    /// <summary>The settings for one payload size.</summary>
    private static ScenarioSettings Sized(ScenarioSettings s, int size) => s with { PayloadBytes = size };

    private static string Formats(int bytes) => bytes >= 1024 ? (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "KiB" : bytes.ToString(CultureInfo.InvariantCulture) + "B";

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
        var warnings = result.Warnings.Where(w => !w.StartsWith("the generator ran late", StringComparison.Ordinal)).ToList();

        // CPU per event is marginal (the slope between the cost probe and the measured window) where the probe ran;
        // else, and for a target Bench cannot see, the plain average or nothing.
        var average = o.TargetMeasured ? Round(o.TargetCpuSeconds * 1e6 / measured) : (double?)null;
        var costed = result with { Scenario = Name, Description = Description, Warnings = warnings };
        var marginal = Bench.Reports.Stats.MarginalCost.Of(costed);
        return costed with
        {
            Wire = summary with { TargetCpuUsPerEvent = marginal?.CpuUsPerDelivery ?? average, TargetCpuMethod = marginal is null ? "average" : "marginal" },
        };
    }

    private static double Round(double v) => Math.Round(v, 2);
}
