using Bench.Scenarios.Plan;

namespace Bench.Scenarios.Scenarios.Faults;

/// <summary>
/// Faults and reconnection: the same push load as the push scenario (smaller), with one fault injected 5 s in, for
/// each transport and its delivery guarantees: WebSocket subscribers that reconnect (with or without resume), and a
/// dispatcher that retries from a durable (or in-memory) outbox to receivers that de-duplicate.
/// </summary>
public sealed class FaultsScenario : IScenario
{
    public const string Resume = "resume";
    public const string MemoryOutbox = "memory-outbox";

    public string Name => "faults";

    public string Description =>
        "Faults and reconnection: a push load with one fault injected 5 s in, through a fault proxy between the target and its subscribers; every event is accounted for through the fault and after it.";

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

    public IReadOnlyList<string> Variants(string transport) =>
        transport == Transport.WebSocket ? ["default", Resume, Clients.WanLink.Variant] : ["default", MemoryOutbox, Clients.WanLink.Variant];

    /// <summary>
    /// Every fault for both transports, WebSocket again with resume; the in-memory outbox only where it differs from the
    /// durable one (a restart). <c>--variant</c> narrows this down, or asks for <c>wan</c> (40 ms ± 5 ms each way).
    /// </summary>
    public IEnumerable<ScenarioCase> Cases(RunPlan plan)
    {
        var faults = plan.Faults.Count == 0 ? Fault.All : [.. plan.Faults.Select(f => Fault.Find(f)!)];
        foreach (var fault in faults)
        {
            foreach (var transport in plan.Transports)
            {
                var variants = plan.Variants.Count > 0
                    ? plan.VariantsFor(this, transport)
                    : Variants(transport).Where(v => v == "default" || v == Resume || (v == MemoryOutbox && fault == Fault.Restart)).ToList();
                foreach (var variant in variants)
                {
                    yield return new ScenarioCase(transport, variant, $"faults/{fault.Name}/{transport}{(variant == "default" ? "" : "/" + variant)}",
                        (context, ct) => new FaultRun(this, fault, transport, variant, context).RunAsync(ct));
                }
            }
        }
    }
}
