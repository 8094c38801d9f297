using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Transports.Hub;

namespace Bench.Harness.Transports.WebSocket;

/// <summary>Raw WebSocket (RFC 6455): the hub's <c>/ws/subscribe</c> for push, <c>/ws/echo</c> for rtt.</summary>
public sealed class WebSocketTransport : HubTransport
{
    public const string Resume = "resume";

    public override string Name => "websocket";

    public override string Description => "raw WebSocket: one connection per subscriber, each event one text message";

    public override string Guarantee =>
        "in-memory, best effort: an event queued for a connection that breaks is lost unless the subscriber resumes from the hub's " +
            "replay buffer (10,000 events or 60 s per stream; gone with the process)";

    public override string ResumeVariant => Resume;

    public override string? DurableVariant => Durable;

    public override IReadOnlyList<string> DeliveryVariants => [Plan.VariantName.Default, WanLink.Variant, DeliveryWire.Tls,
        DeliveryWire.Compression];

    /// <summary>The subscriber pings every second itself (2 s timeout): the hub keeps its default.</summary>
    public override TimeSpan? ServerKeepAlive => null;

    public override Task<IStreamSubscriber> Connect(string hubUrl, string token, string stream,
        SubscriberOptions options, CancellationToken ct) =>
        WebSocketSubscriber.ConnectAsync(hubUrl, token, stream, options, ct);

    public override string FaultBehaviour(string variant) => Resumes(variant)
        ? "subscribers reconnect with backoff (100 ms doubling to 2 s, ±20 %) and resume from the hub's in-memory replay buffer (10,000 " +
            "events or 60 s per stream)"
        : "subscribers reconnect with backoff (100 ms doubling to 2 s, ±20 %) without resume: what is published while a " +
            "subscriber is away is lost";

    public override async Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct) =>
        await WebSocketEcho.StartAsync(context, setup, ct).ConfigureAwait(false);
}
