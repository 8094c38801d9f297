using Bench.Harness.Plan;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Scenarios.Faults.Catalog;
using Bench.Harness.Transports;
using Bench.Reports.Warnings;

namespace Bench.Harness.Scenarios.Faults;

/// <summary>
/// Faults and reconnection: the same push load as the push scenario (smaller), with one fault injected 5 s in, for
/// each transport and its delivery guarantees: WebSocket subscribers that reconnect (with or without resume), a
/// dispatcher that retries from a durable (or in-memory) outbox to receivers that de-duplicate; SSE clients that
/// reconnect with (or without) Last-Event-ID; SignalR clients with (or without) stateful reconnect.
/// </summary>
public sealed class FaultsScenario : IScenario
{
    public string Name => "faults";

    public string Description =>
        "Faults and reconnection: a push load with one fault injected 5 s in, through a fault proxy between the target and its " +
            "subscribers; every event is accounted for through the fault and after it.";

    public bool ConnectionsFollowSubscribers => true;

    public ScenarioSettings Defaults(Profile profile) => new()
    {
        RatePerSec = 100,
        Subscribers = 10,
        PayloadBytes = 256,
        Connections = 10,
        Warmup = TimeSpan.FromSeconds(1),
        Duration = TimeSpan.Zero, // set per fault
        DrainTimeout = TimeSpan.FromSeconds(15),
    };

    public IReadOnlyList<string> Variants(ITransport transport) => transport.FaultVariants;

    /// <summary>
    /// Open files one fault subscriber may need at the peak of a storm in whichever process holds more for it. The fault
    /// proxy runs as processes of their own (<see cref="ProcessFaultProxy"/>), as many as its open-file limit needs, so
    /// the harness holds only the subscriber's connections: one (SignalR: two, its negotiation's kept alive and its
    /// WebSocket), and one more while it reconnects before the old one is closed. Measured here at 5,000 subscribers a
    /// transport (docs/reading-a-report.md, Storm): the harness peaked at 9,798 descriptors with SignalR (1.96 each), at
    /// 5,138 and 5,141 with WebSocket and SSE. (With the proxy in-process its sockets were the harness's too: 3,800
    /// SignalR subscribers peaked at 19,082, and 6 a subscriber were allowed.)
    /// </summary>
    public const int DescriptorsPerStormSubscriber = 3;

    /// <summary>Descriptors kept free of fault subscribers: targets' pipes, the runtime's own, the report's files.</summary>
    public const int DescriptorReserve = 1_000;

    /// <summary>
    /// A fault's own subscribers and rate (the storm's 5,000 at 1 event/s), unless the command line set them. A fault's
    /// default that would not fit in this process's open-file limit is lowered to what fits (and the case says so);
    /// what the command line asks for is taken as given.
    /// </summary>
    internal static ScenarioSettings ForFault(ScenarioSettings s, Fault fault, RunPlan plan, long? openFileLimit = null)
    {
        var subscribers = plan.Subscribers is null && fault.Subscribers is { } n
            ? Math.Min(n, StormFit(openFileLimit ?? ConnectionsScenario.OpenFileLimit()))
            : s.Subscribers;
        return s with
        {
            Subscribers = subscribers,
            Connections = plan.Connections ?? subscribers,
            RatePerSec = plan.RatePerSec is null && fault.RatePerSec is { } rate ? rate : s.RatePerSec,
        };
    }

    /// <summary>
    /// A fault case's warnings: the generic accounting warning (<c>not-exactly-once</c>) left out, since a fault's losses,
    /// duplicates and disorder have their own table; every other kind kept.
    /// </summary>
    public static IReadOnlyList<RunWarning> CaseWarnings(IEnumerable<RunWarning> warnings) =>
        [.. warnings.Where(w => !w.Is(WarningKinds.NotExactlyOnce))];

    /// <summary>Fault subscribers that fit in <paramref name="limit"/> open files (any number when it is unknown).</summary>
    public static int StormFit(long? limit) =>
        limit is { } l and < int.MaxValue ? (int)Math.Max(100, (l - DescriptorReserve) / DescriptorsPerStormSubscriber) : int.MaxValue;

    /// <summary>
    /// Every fault for every transport, each with the variants its transport runs by default (resume, stateful
    /// reconnect; the in-memory outbox only where it differs from the durable one, a restart). <c>--variant</c> narrows
    /// this down, or asks for <c>wan</c> (40 ms ± 5 ms each way).
    /// </summary>
    public IEnumerable<ScenarioCase> Cases(RunPlan plan)
    {
        var faults = plan.Faults.Count == 0 ? FaultCatalog.Defaults : [.. plan.Faults.Select(f => FaultCatalog.Find(f)!)];
        foreach (var fault in faults)
        {
            foreach (var transport in plan.Transports)
            {
                if ((transport.Unsupported(Name) ?? transport.Unsupported($"{Name}/{fault.Name}")) is { } reason)
                {
                    // An n/a of one fault still names its fault, so the report places it with that fault.
                    var na = ScenarioCase.NotApplicable(this, transport, $"faults/{fault.Name}/{transport.Name}", reason);
                    yield return na with
                    {
                        RunAsync = async (context, ct) => await na.RunAsync(context, ct).ConfigureAwait(false) with
                        {
                            Resilience = new Reports.Model.ResilienceSummary(fault.Name, 0, 0, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                null, 0, reason, null, fault.Description),
                        },
                    };
                    continue;
                }

                var variants = plan.Variants.Count > 0 ? plan.VariantsFor(this, transport) : transport.DefaultFaultVariants(fault);
                foreach (var variant in variants)
                {
                    yield return new ScenarioCase(transport, variant, $"faults/{fault.Name}/{transport.Name}{VariantName.Suffix(variant)}",
                        async (context, ct) =>
                        {
                            var settings = ForFault(context.Settings, fault, plan);
                            var result = await new FaultRun(this, fault, transport, variant, context with { Settings = settings })
                                .RunAsync(ct).ConfigureAwait(false);
                            return fault.Subscribers is { } asked && plan.Subscribers is null && settings.Subscribers < asked
                                ? result with { Warnings = [.. result.Warnings, Lowered(settings.Subscribers, asked)] }
                                : result;
                        });
                }
            }
        }
    }

    private static RunWarning Lowered(int subscribers, int asked) =>
        WarningKinds.SubscribersLowered.Of(subscribers, asked, ConnectionsScenario.OpenFileLimit(), DescriptorsPerStormSubscriber);
}
