using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Harness.Transports.Hub;

namespace Bench.Harness.Transports.Grpc;

/// <summary>
/// gRPC server streaming: the hub's <c>bench.events.v1.Events/Subscribe</c> for push, its unary <c>Echo</c> for rtt,
/// on the hub's own HTTP/2 port (cleartext, prior knowledge). One channel, so one HTTP/2 connection, per subscriber.
/// </summary>
public sealed class GrpcTransport : HubTransport
{
    /// <summary>The fault variant whose client calls again with <c>resume_after_seq</c>.</summary>
    public const string Resume = "resume";

    public override string Name => "grpc";

    public override string Description =>
        "gRPC server streaming over HTTP/2 (cleartext): one call per subscriber on a connection of its own, "
        + "each event one protobuf message carrying the envelope";

    public override string Guarantee =>
        "in-memory, best effort: at most once without resume; a subscriber that calls again with resume_after_seq is replayed "
        + "from the hub's buffer while it holds the events (10,000 events or 60 s per stream; gone with the process)";

    public override string ResumeVariant => Resume;

    public override string? DurableVariant => Durable;

    public override string WireCountedOn =>
        "subscriber client sockets: every HTTP/2 frame (headers, data, pings, window updates), "
        + "counted on a stream under SocketsHttpHandler.ConnectCallback";

    public override IReadOnlyList<string> DeliveryVariants => [Plan.VariantName.Default, WanLink.Variant];

    /// <summary>The subscriber sends HTTP/2 pings every second itself (2 s timeout): the hub keeps its default.</summary>
    public override TimeSpan? ServerKeepAlive => null;

    /// <summary>The hub's gRPC port: HTTP/2 only, a free loopback port (kept across the restart fault).</summary>
    public override IReadOnlyList<string> HubArguments => ["--grpc-port", "0"];

    /// <summary>
    /// The hub's gRPC port, read from its ready line. An agent (<c>--agents</c>) is given the hub's HTTP URL only, so gRPC
    /// across agents fails here, saying so.
    /// </summary>
    public override string SubscriberUrl(ITargetHandle hub, DeliveryWire wire) =>
        hub.GrpcUrl ?? throw new TargetFailedException(
            $"{hub.Name} has no gRPC port known here (its ready line had no grpc= field, or this is an agent, which is given "
            + "the hub's HTTP URL only: gRPC across agents is not supported yet)");

    public override Task<IStreamSubscriber> Connect(
        string hubUrl, string token, string stream, SubscriberOptions options, CancellationToken ct) =>
        GrpcSubscriber.ConnectAsync(hubUrl, token, stream, options, ct);

    public override string FaultBehaviour(string variant) => Resumes(variant)
        ? "subscribers call Subscribe again with backoff (100 ms doubling to 2 s, ±20 %; the channel's own reconnect backoff, "
            + "set to the same bounds, runs beneath) and resume_after_seq: the hub replays from its in-memory buffer "
            + "(10,000 events or 60 s per stream)"
        : "subscribers call Subscribe again with backoff (100 ms doubling to 2 s, ±20 %; the channel's own reconnect backoff, "
            + "set to the same bounds, runs beneath) without resume_after_seq: what is published while a subscriber is away is lost";

    public override async Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct) =>
        await GrpcEcho.StartAsync(context, setup, this, ct).ConfigureAwait(false);
}
