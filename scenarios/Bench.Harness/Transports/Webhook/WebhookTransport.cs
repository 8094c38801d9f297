using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// Webhooks (Standard Webhooks): the dispatcher signs and POSTs each event to every registered endpoint from a durable
/// outbox, with retries; the receiver verifies. rtt is one signed POST answered by a receiver.
/// </summary>
public sealed class WebhookTransport : ITransport
{
    public const string MemoryOutbox = "memory-outbox";

    /// <summary>
    /// Every endpoint a path on one receiver origin, so the dispatcher's one connection pool serves them all: the cheapest topology, not
    /// production's.
    /// </summary>
    public const string OneOrigin = "one-origin";

    /// <summary>The guarantee with an in-memory outbox: retried while the dispatcher lives, lost with it.</summary>
    public const string MemoryGuarantee =
        "in-memory, at least once while the dispatcher lives: accepted events wait in an in-memory outbox and are retried on the " +
            "Standard Webhooks schedule; a restart loses what was pending";

    /// <summary>
    /// Over the wan variant the dispatcher sends this many deliveries to an endpoint at once: one at a time cannot keep 100/s over an 80 ms
    /// round trip.
    /// </summary>
    public const int WanDispatcherConcurrency = 16;

    public string Name => "webhook";

    public string Description => "webhooks: the dispatcher signs (Standard Webhooks) and POSTs each event to every registered endpoint";

    public string Guarantee => DurableGuarantee;

    /// <summary>The guarantee with the SQLite outbox, as production senders run it.</summary>
    public const string DurableGuarantee =
        "durable, at least once: every accepted event is written to the dispatcher's SQLite outbox before it is acknowledged, and " +
            "retried on the Standard Webhooks schedule until delivered; receivers de-duplicate by webhook-id";

    public string SubscriberNoun => "registered endpoint";

    public bool SubscribersConnect => false;

    /// <summary>The dispatcher, with its durable outbox in the setup's file.</summary>
    public TargetLaunch? SharedTarget(SharedTargetSetup setup) => new(Bench.Targets.Hosting.TargetRole.Dispatcher,
        ["--outbox", setup.OutboxPath]);

    public string WireCountedOn => "webhook receiver server sockets";

    public IReadOnlyList<string> DeliveryVariants => [Plan.VariantName.Default, MemoryOutbox, OneOrigin, WanLink.Variant, DeliveryWire.Tls,
        DeliveryWire.Compression, DeliveryWire.Cold];

    public IReadOnlyList<string> FaultVariants => [Plan.VariantName.Default, MemoryOutbox, WanLink.Variant];

    /// <summary>
    /// The in-memory outbox differs from the durable one only when the dispatcher restarts: asked of the fault
    /// (<see cref="Fault.RestartsTarget"/>; a storm takes the receivers away instead), not of its name. A heavy fault
    /// runs the default only, as on every transport.
    /// </summary>
    public IReadOnlyList<string> DefaultFaultVariants(Fault fault) =>
        fault.RestartsTarget && !fault.Heavy ? [Plan.VariantName.Default, MemoryOutbox] : [Plan.VariantName.Default];

    public string? Unsupported(string scenario) => null;

    public async Task<IPushFanOut> StartPushAsync(ScenarioContext context, PushSetup setup, CancellationToken ct) =>
        await WebhookFanOut.StartAsync(context, setup, ct).ConfigureAwait(false);

    public async Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct) =>
        await WebhookPost.StartAsync(context, setup, ct).ConfigureAwait(false);

    public async Task<IFaultPath> StartFaultPathAsync(ScenarioContext context, FaultSetup setup, CancellationToken ct) =>
        await WebhookFaultPath.StartAsync(context, setup, ct).ConfigureAwait(false);

    public async Task<IHeldSubscribers> StartHeldAsync(ScenarioContext context, HeldSetup setup, CancellationToken ct) =>
        await WebhookEndpoints.StartAsync(context, setup, ct).ConfigureAwait(false);

    public override string ToString() => Name;
}
