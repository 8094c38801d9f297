using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;

namespace Bench.Harness.Transports.Hub;

/// <summary>
/// A transport whose subscribers hold a connection to the hub (WebSocket, SSE, SignalR): push, faults and connections
/// are the same hub, the same streams and replay buffer, and differ only in the subscriber's client.
/// </summary>
public abstract class HubTransport : ITransport
{
    /// <summary>The fault variant that resumes after a disconnect (resume, stateful reconnect).</summary>
    public abstract string ResumeVariant { get; }

    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract string Guarantee { get; }

    public virtual string SubscriberNoun => "connection";

    public bool SubscribersConnect => true;

    /// <summary>The hub, with the setup's keep-alive or this transport's own.</summary>
    public TargetLaunch? SharedTarget(SharedTargetSetup setup) =>
        new(Bench.Targets.Hosting.TargetRole.Hub, HubTarget.Arguments(setup.MaxMessage, setup.KeepAlive ?? ServerKeepAlive, HubArguments));

    /// <summary>
    /// What the hub is started with for this transport besides the shared arguments (gRPC: a port of its own). The
    /// default is none.
    /// </summary>
    public virtual IReadOnlyList<string> HubArguments => [];

    /// <summary>
    /// The URL this transport's subscribers connect to on <paramref name="hub"/>: by default the hub's URL (through
    /// <paramref name="wire"/>: its HTTPS port under TLS); a transport served on a port of its own names that one.
    /// </summary>
    public virtual string SubscriberUrl(Targets.ITargetHandle hub, DeliveryWire wire) =>
        hub is Targets.TargetProcess process ? wire.ClientUrl(process) : hub.Url;

    public virtual string WireCountedOn => "subscriber client sockets";

    public abstract IReadOnlyList<string> DeliveryVariants { get; }

    /// <summary>
    /// The fault variant whose subscribers resume from a hub that keeps a durable replay log (<c>--replay-log</c>), so
    /// that a resume works across a hub restart too; null when this transport's resume cannot outlive the hub's process
    /// (SignalR's stateful reconnect resumes a connection, and a restarted hub knows none). The default is null.
    /// </summary>
    public virtual string? DurableVariant => null;

    /// <summary>The name of the durable fault variant, for the transports that have one.</summary>
    public const string Durable = "durable";

    /// <summary>The delivery guarantee of the durable variant.</summary>
    public const string DurableGuarantee =
        "durable, resumable: every accepted event is written to the hub's SQLite replay log before its publish is acknowledged, "
        + "so acknowledged events survive a hub crash; a subscriber that resumes gets what followed its last sequence number "
        + "while the log holds it (replay window bounded: 10,000 events, 8 MiB or 60 s per stream)";

    public IReadOnlyList<string> FaultVariants =>
        [Plan.VariantName.Default, ResumeVariant, .. DurableVariant is { } durable ? [durable] : Array.Empty<string>(), WanLink.Variant];

    /// <summary>
    /// Each fault with and without resume, and with the durable replay log when the fault restarts the target (the only
    /// fault where it differs from resume); a heavy fault (the storm), whose thousands take long to run, without only
    /// (--variant asks for the others). Asked of the fault, not of its name, so that a new fault follows the same rule.
    /// </summary>
    public IReadOnlyList<string> DefaultFaultVariants(Fault fault) => fault switch
    {
        { Heavy: true } => [Plan.VariantName.Default],
        { RestartsTarget: true } when DurableVariant is { } durable => [Plan.VariantName.Default, ResumeVariant, durable],
        _ => [Plan.VariantName.Default, ResumeVariant],
    };

    /// <summary>
    /// The hub's keep-alive interval for push and fault runs (null: the hub's default), so that a dead connection is noticed in about 3 s.
    /// </summary>
    public abstract TimeSpan? ServerKeepAlive { get; }

    /// <summary>Opens one subscriber with this transport's client.</summary>
    public abstract Task<IStreamSubscriber> Connect(string hubUrl, string token, string stream,
        SubscriberOptions options, CancellationToken ct);

    /// <summary>One sentence: how this transport's subscribers behave under faults in <paramref name="variant"/>.</summary>
    public abstract string FaultBehaviour(string variant);

    /// <summary>Whether subscribers resume in <paramref name="variant"/> (the durable variant resumes too).</summary>
    public bool Resumes(string variant) => Plan.VariantName.Has(variant, ResumeVariant) || KeepsReplayLog(variant);

    /// <summary>Whether the hub keeps a durable replay log in <paramref name="variant"/>.</summary>
    public bool KeepsReplayLog(string variant) => DurableVariant is { } durable && Plan.VariantName.Has(variant, durable);

    public virtual string? Unsupported(string scenario) => scenario == "faults/overload" ? OverloadNotApplicable : null;

    /// <summary>Why the overload fault is n/a for a streaming transport.</summary>
    public const string OverloadNotApplicable =
        "a streaming subscriber has no status code to answer with (no 429 or 503 with Retry-After): its overload is the slow fault, " +
            "where it reads slower than events arrive";

    public async Task<IPushFanOut> StartPushAsync(ScenarioContext context, PushSetup setup, CancellationToken ct) =>
        await HubFanOut.StartAsync(context, setup, this, ct).ConfigureAwait(false);

    public abstract Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct);

    public async Task<IFaultPath> StartFaultPathAsync(ScenarioContext context, FaultSetup setup, CancellationToken ct) =>
        await HubFaultPath.StartAsync(context, setup, this, ct).ConfigureAwait(false);

    public async Task<IHeldSubscribers> StartHeldAsync(ScenarioContext context, HeldSetup setup, CancellationToken ct) =>
        await HubHeldSubscribers.StartAsync(context, setup, this, ct).ConfigureAwait(false);

    public override string ToString() => Name;
}
