using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;

namespace Bench.Harness.Transports;

/// <summary>
/// How events reach a subscriber — WebSocket, SignalR, Server-Sent Events, webhooks — as one plug-in: its reference
/// target and how it starts, a push fan-out, an rtt session, a fault path, held connections, and the variants it
/// knows. Scenarios ask the transport for each of these and never name one; <see cref="TransportCatalog"/> lists them.
/// </summary>
public interface ITransport
{
    /// <summary>The name used on the command line, in results and in reports (<c>websocket</c>).</summary>
    string Name { get; }

    /// <summary>One sentence: what the delivery leg is.</summary>
    string Description { get; }

    /// <summary>The delivery guarantee of its reference setup in push, stated next to its numbers.</summary>
    string Guarantee { get; }

    /// <summary>What a subscriber is for this transport, in charts and tables ("connection", "registered endpoint").</summary>
    string SubscriberNoun { get; }

    /// <summary>Where the overhead scenario counts this transport's bytes.</summary>
    string WireCountedOn { get; }

    /// <summary>Variants of the delivery path (rtt, push, saturation, overhead), <c>default</c> first.</summary>
    IReadOnlyList<string> DeliveryVariants { get; }

    /// <summary>Variants of the faults scenario, <c>default</c> first.</summary>
    IReadOnlyList<string> FaultVariants { get; }

    /// <summary>The fault variants run when none is asked for: <c>default</c>, and what the transport offers against that fault.</summary>
    IReadOnlyList<string> DefaultFaultVariants(Fault fault);

    /// <summary>
    /// Why this transport cannot run a scenario (or a scenario's mode, e.g. <c>rtt</c>, or one fault, e.g.
    /// <c>faults/restart</c>); null when it can.
    /// </summary>
    string? Unsupported(string scenario);

    /// <summary>Starts the reference target and connects (or registers) every subscriber of a push run.</summary>
    Task<IPushFanOut> StartPushAsync(ScenarioContext context, PushSetup setup, CancellationToken ct);

    /// <summary>Starts the reference target and opens the connections of an rtt session.</summary>
    Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct);

    /// <summary>Starts a restartable target, a fault proxy in front of the subscribers, and the subscribers behind it.</summary>
    Task<IFaultPath> StartFaultPathAsync(ScenarioContext context, FaultSetup setup, CancellationToken ct);

    /// <summary>Starts the target whose idle subscribers the connections scenario grows and holds.</summary>
    Task<IHeldSubscribers> StartHeldAsync(ScenarioContext context, HeldSetup setup, CancellationToken ct);

    /// <summary>
    /// The reference target that agents share, as a launch spec (the harness starts it and every agent attaches to
    /// it); null when the transport has no reference target of Bench's own (a target file names the user's server).
    /// </summary>
    TargetLaunch? SharedTarget(SharedTargetSetup setup);

    /// <summary>
    /// Whether a subscriber is an open connection the target holds (true) or an endpoint the target calls (false): an
    /// idle connection has a keep-alive and a connect time; an endpoint has neither, and an agent hosting endpoints
    /// must run where the target can reach them on loopback.
    /// </summary>
    bool SubscribersConnect { get; }
}

/// <summary>A reference target to start: its role in <c>bench serve</c> and its arguments.</summary>
public sealed record TargetLaunch(Bench.Targets.Hosting.TargetRole Role, IReadOnlyList<string> Arguments);

/// <summary>
/// What a shared target is started with: the largest message, the keep-alive of held connections, a file for a durable outbox.
/// </summary>
public sealed record SharedTargetSetup(int MaxMessage, TimeSpan? KeepAlive, string OutboxPath);

/// <summary>
/// What a push run gives its transport: the token, the streams (one per subscriber), the accounting, the largest message, the variant and
/// its wire.
/// </summary>
public sealed record PushSetup(
    string Token,
    IReadOnlyList<string> Streams,
    DeliveryAccounting Accounting,
    int MaxMessage,
    string Variant,
    DeliveryWire Wire)
{
    /// <summary>
    /// A target another process started and keeps (an agent's run): the subscribers of <see cref="Streams"/> join it,
    /// and the run begins once it counts every agent's. Null: the transport starts its own reference target.
    /// </summary>
    public AttachedTarget? Attached { get; init; }

    /// <summary>
    /// The index of the first of <see cref="Streams"/> among all subscribers of the run (each webhook endpoint's own origin).
    /// </summary>
    public int FirstStreamIndex { get; init; }

    public bool Wan => Plan.VariantName.Has(Variant, WanLink.Variant);
}

/// <summary>
/// A running reference target (its URL, token and, on this machine, process) and how many subscribers all agents together hold.
/// </summary>
public sealed record AttachedTarget(TargetFiles.ExternalTarget Handle, string Token, int TotalSubscribers)
{
    /// <summary>
    /// A target file's system: the <c>{stream}</c> every agent's subscribers and publishes share (chosen by the run that
    /// started the agents). Null: the transport chooses a stream of the run's own.
    /// </summary>
    public string? Stream { get; init; }
}

/// <summary>What an rtt session needs: connections (one per virtual user), the largest message, the variant and its wire.</summary>
public sealed record RttSetup(int Connections, int MaxMessage, string Variant, DeliveryWire Wire, bool Wan);

/// <summary>
/// What a fault run gives its transport: the token, streams, accounting and largest message; the variant; the fault; and
/// each stream's processing time per event (the slow fault).
/// </summary>
public sealed record FaultSetup(
    string Token,
    IReadOnlyList<string> Streams,
    DeliveryAccounting Accounting,
    int MaxMessage,
    string Variant,
    Fault Fault,
    Func<string, TimeSpan> ProcessingTime)
{
    /// <summary>
    /// True while the subscribers are to answer as an overloaded receiver does (the overload fault: 503 with Retry-After).
    /// </summary>
    public Func<bool> Overloaded { get; init; } = () => false;

    public bool Wan => Plan.VariantName.Has(Variant, WanLink.Variant);
}

/// <summary>
/// What the connections scenario gives: the accounting, the largest message, the keep-alive interval of idle subscribers.
/// </summary>
public sealed record HeldSetup(DeliveryAccounting Accounting, int MaxMessage, TimeSpan KeepAlive)
{
    /// <summary>A target another process started (an agent's share of the subscribers); null: the transport starts its own.</summary>
    public AttachedTarget? Attached { get; init; }
}
