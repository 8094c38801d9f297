using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Transports.Hub;

namespace Bench.Harness.Transports.Sse;

/// <summary>
/// Server-Sent Events (the HTML standard's <c>text/event-stream</c>): the hub's <c>/sse/subscribe</c>, one HTTP response per subscriber.
/// </summary>
public sealed class SseTransport : HubTransport
{
    /// <summary>The fault variant whose client sends <c>Last-Event-ID</c> when it reconnects.</summary>
    public const string Resume = "resume";

    public override string Name => "sse";

    public override string Description => "Server-Sent Events: one long HTTP response per subscriber, each event an id: and a data: line";

    public override string Guarantee =>
        "in-memory, best effort, resumable: a client that reconnects with Last-Event-ID is replayed from the hub's buffer (10,000 events " +
            "or 60 s per stream; gone with the process)";

    public override string ResumeVariant => Resume;

    public override string? DurableVariant => Durable;

    public override IReadOnlyList<string> DeliveryVariants => [Plan.VariantName.Default, WanLink.Variant, DeliveryWire.Tls,
        DeliveryWire.Compression];

    /// <summary>SSE has no ping: the hub writes a comment line every second, and silence over 3 s is a dead connection.</summary>
    public override TimeSpan? ServerKeepAlive => TimeSpan.FromSeconds(1);

    public override string? Unsupported(string scenario) => scenario == "rtt"
        ? "Server-Sent Events flow one way, server to client: a request needs a second HTTP request, which is what the webhook rtt measures"
        : base.Unsupported(scenario);

    public override Task<IStreamSubscriber> Connect(string hubUrl, string token, string stream,
        SubscriberOptions options, CancellationToken ct) =>
        SseSubscriber.ConnectAsync(hubUrl, token, stream, options, ct);

    public override string FaultBehaviour(string variant) => Resumes(variant)
        ? "subscribers reconnect as EventSource does (after the stream's retry: 100 ms, backing off to 2 s) and send Last-Event-ID: the " +
            "hub replays from its in-memory buffer (10,000 events or 60 s per stream)"
        : "subscribers reconnect as EventSource does (after retry: 100 ms, backing off to 2 s) without Last-Event-ID: what is published " +
            "while a subscriber is away is lost";

    public override Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct) =>
        throw new NotSupportedException(Unsupported("rtt"));
}
