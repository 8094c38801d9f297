using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Harness.Transports.Hub;
using Bench.Targets.Hosting;

namespace Bench.Harness.Transports.SignalR;

/// <summary>ASP.NET Core SignalR over WebSockets: the hub's <c>/signalr</c>, JSON hub protocol (or MessagePack).</summary>
public sealed class SignalRTransport : HubTransport
{
    /// <summary>The fault variant whose client asks for stateful reconnect.</summary>
    public const string Stateful = "stateful";

    public override string Name => "signalr";

    public override string Description => "ASP.NET Core SignalR over WebSockets: negotiate, then each event one hub message event(id, " +
        "stream, seq, ts, data)";

    public override string Guarantee =>
        "in-memory, best effort: a dropped connection loses what was in flight unless the client reconnects statefully (the server " +
            "buffers up to 1 MiB per connection; gone with the process)";

    public override string ResumeVariant => Stateful;

    // No durable variant: stateful reconnect resumes one connection from the server's memory of it, which a restarted hub
    // does not have; a new connection subscribes again without replay, whatever the hub keeps on disk.

    public override IReadOnlyList<string> DeliveryVariants => [Plan.VariantName.Default, WanLink.Variant, DeliveryWire.Tls,
        SignalRConnections.MessagePack];

    /// <summary>The client pings every second and times out after 3 s; the hub pings every second too, as SignalR expects.</summary>
    public override TimeSpan? ServerKeepAlive => TimeSpan.FromSeconds(1);

    public override Task<IStreamSubscriber> Connect(string hubUrl, string token, string stream,
        SubscriberOptions options, CancellationToken ct) =>
        SignalRSubscriber.ConnectAsync(hubUrl, token, stream, options, ct);

    public override string FaultBehaviour(string variant) => Resumes(variant)
        ? "SignalR's automatic reconnect (100 ms doubling to 2 s, ±20 %) with stateful reconnect: a dropped connection is resumed and " +
            "the server replays what it buffered; a new connection subscribes again without replay"
        : "SignalR's automatic reconnect (100 ms doubling to 2 s, ±20 %), subscribing again on the new connection: what is published " +
            "while a subscriber is away is lost";

    public override async Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var (arguments, environment) = setup.Wire.HubStart();
        var target = await TargetProcess.StartAsync(TargetRole.Hub, HubTarget.Arguments(setup.MaxMessage, null, arguments),
            new Dictionary<string, string>(environment) { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        var wan = setup.Wan ? WanLink.To(target.SecureUrl ?? target.Url) : null;
        try
        {
            return await SignalREcho.StartAsync(target, token, wan?.Url ?? setup.Wire.ClientUrl(target), setup, wan,
                ct).ConfigureAwait(false);
        }
        catch
        {
            if (wan is not null)
            {
                await wan.DisposeAsync().ConfigureAwait(false);
            }

            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
