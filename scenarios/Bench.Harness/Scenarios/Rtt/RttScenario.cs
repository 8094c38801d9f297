using Bench.Harness.Clients;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Transports;
using Bench.Reports.Model;

namespace Bench.Harness.Scenarios.Rtt;

/// <summary>
/// Request/response round trip over one kept-alive connection per virtual user: a WebSocket echo against an HTTP
/// POST of the same signed webhook body to the receiver. Open model; latency from each request's intended time.
/// </summary>
public sealed class RttScenario : Interleaved.IInterleavedScenario
{
    public string Name => "rtt";

    public string Description =>
        "Request/response round trip over one kept-alive connection per virtual user: a message echoed by the WebSocket hub, a SignalR " +
            "invocation answered by the hub, or an HTTP POST of the same signed webhook body answered by the receiver.";

    public bool ConnectionsFollowSubscribers => false;

    public ScenarioSettings Defaults(Profile profile) => new()
    {
        RatePerSec = profile == Profile.Ci ? 500 : 1000,
        Subscribers = 1,
        PayloadBytes = 256,
        Connections = 8,
        Duration = profile.Duration,
        Warmup = profile.Warmup,
    };

    public IReadOnlyList<string> Variants(ITransport transport) => transport.DeliveryVariants;

    public IEnumerable<ScenarioCase> Cases(RunPlan plan) =>
        ScenarioCase.PerTransport(this, plan, Name, Name, (transport, variant) => (context, ct) => RunAsync(context,
            transport, variant, ct));

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, ITransport transport, string variant, CancellationToken ct)
    {
        var wan = VariantName.Has(variant, WanLink.Variant);
        using var wire = DeliveryWire.For(variant);

        // Over an 80 ms round trip each connection carries at most ~12 requests a second: open enough for twice the rate's need.
        var s = wan
            ? context.Settings with
            {
                Connections = Math.Max(context.Settings.Connections, (int)Math.Ceiling(context.Settings.RatePerSec * 0.16))
            }
            : context.Settings;
        context = context with { Settings = s };
        var payload = new Payloads(s.PayloadBytes);
        var session = await StartSessionAsync(context, transport, variant, wire, wan, ct).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var load = new MeasuredLoad(context, Name, transport.Name);
            var recorder = load.NewRecorder();
            var outcome = await load.RunAsync(session.Target, recorder, recorder, s.Connections,
                (it, token) => session.ExchangeAsync(it, payload, token), null, ct).ConfigureAwait(false);
            var counts = new DeliveryCounts(recorder.Sent, recorder.Delivered,
                Math.Max(0, recorder.Sent - recorder.Delivered - recorder.Errors), 0, 0, recorder.Errors);
            var result = ResultBuilder.Build(Name, Description, transport.Name, s, recorder, outcome, counts, recorder.Delivered,
                new Dictionary<string, long>(), []);
            return result with { Variant = variant };
        }
    }

    Interleaved.ComparisonPlan? Interleaved.IInterleavedScenario.Comparison(RunPlan plan, ScenarioSettings settings,
        IReadOnlyList<ITransport> transports) =>
        Interleaved.ComparisonShape.Shape(new(Name, Description, transports, Interleaved.RttBlockSide.StartAsync), plan,
            settings with { CostProbe = TimeSpan.Zero });

    /// <summary>Starts the target and opens the connections of one rtt session (also the saturation scenario's).</summary>
    internal static Task<IRttSession> StartSessionAsync(ScenarioContext context, ITransport transport, string variant, DeliveryWire wire,
        bool wan, CancellationToken ct)
    {
        var s = context.Settings;
        var maxMessage = Math.Max(64 * 1024, s.PayloadBytes * 2 + 1024);
        return transport.StartRttAsync(context, new RttSetup(s.Connections, maxMessage, variant, wire, wan), ct);
    }
}
