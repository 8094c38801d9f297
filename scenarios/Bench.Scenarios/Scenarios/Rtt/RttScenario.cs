using System.Buffers;
using System.Net.WebSockets;
using Bench.Engine.Load;
using Bench.Reports.Model;
using Bench.Scenarios.Clients;
using Bench.Scenarios.Plan;
using Bench.Scenarios.Running;
using Bench.Scenarios.Targets;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;

namespace Bench.Scenarios.Scenarios.Rtt;

/// <summary>
/// Request/response round trip over one kept-alive connection per virtual user: a WebSocket echo against an HTTP
/// POST of the same signed webhook body to the receiver. Open model; latency from each request's intended time.
/// </summary>
public sealed class RttScenario : IScenario
{
    public string Name => "rtt";

    public string Description =>
        "Request/response round trip over one kept-alive connection per virtual user: a message echoed by the WebSocket hub versus an HTTP POST of the same signed webhook body answered by the receiver.";

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

    public IReadOnlyList<string> Variants(string transport) => Push.PushScenario.DeliveryVariants(transport);

    public IEnumerable<ScenarioCase> Cases(RunPlan plan) =>
        from transport in plan.Transports
        from variant in plan.VariantsFor(this, transport)
        select new ScenarioCase(transport, variant, $"{Name}/{transport}{VariantName.Suffix(variant)}", (context, ct) => RunAsync(context, transport, variant, ct));

    public async Task<ScenarioResult> RunAsync(ScenarioContext context, string transport, string variant, CancellationToken ct)
    {
        var wan = VariantName.Has(variant, WanLink.Variant);
        using var wire = DeliveryWire.For(variant);

        // Over an 80 ms round trip each connection carries at most ~12 requests a second: open enough for twice the rate's need.
        var s = wan ? context.Settings with { Connections = Math.Max(context.Settings.Connections, (int)Math.Ceiling(context.Settings.RatePerSec * 0.16)) } : context.Settings;
        context = context with { Settings = s };
        var payload = new Payloads(s.PayloadBytes);
        var session = await StartSessionAsync(context, transport, wire, wan, ct).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var load = new MeasuredLoad(context, Name, transport);
            var recorder = load.NewRecorder();
            var outcome = await load.RunAsync(session.Target, recorder, recorder, s.Connections, (it, token) => session.ExchangeAsync(it, payload, token), null, ct).ConfigureAwait(false);
            var counts = new DeliveryCounts(recorder.Sent, recorder.Delivered, Math.Max(0, recorder.Sent - recorder.Delivered - recorder.Errors), 0, 0, recorder.Errors);
            var result = ResultBuilder.Build(Name, Description, transport, s, recorder, outcome, counts, recorder.Delivered, new Dictionary<string, long>(), []);
            return result with { Variant = variant };
        }
    }

    /// <summary>Starts the target and opens the connections of one rtt session (also the saturation scenario's).</summary>
    internal static async Task<IRttSession> StartSessionAsync(ScenarioContext context, string transport, DeliveryWire wire, bool wan, CancellationToken ct)
    {
        var s = context.Settings;
        var maxMessage = Math.Max(64 * 1024, s.PayloadBytes * 2 + 1024);
        return transport switch
        {
            Transport.WebSocket => await WebSocketEcho.StartAsync(context, s.Connections, maxMessage, wan, wire, ct).ConfigureAwait(false),
            Transport.Webhook => await WebhookPost.StartAsync(context, s.Connections, maxMessage, wan, wire, ct).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "rtt runs over websocket or webhook"),
        };
    }

    /// <summary>The body every request carries: the push scenario's event envelope, so both transports move the same bytes.</summary>
    private static void WriteBody(IBufferWriter<byte> output, IterationContext it, Payloads payload) =>
        EventEnvelope.Write(output, new PublishedEvent(it.Number, it.IntendedTimestamp, payload.For(it.Number)), "rtt", it.Number);

    internal interface IRttSession : IAsyncDisposable
    {
        TargetProcess Target { get; }

        ValueTask ExchangeAsync(IterationContext iteration, Payloads payload, CancellationToken ct);
    }

    private sealed class WebSocketEcho(TargetProcess target, ClientWebSocket[] sockets, int maxMessage, WanLink? wan) : IRttSession
    {
        private readonly ArrayBufferWriter<byte>[] bodies = [.. sockets.Select(_ => new ArrayBufferWriter<byte>(1024))];
        private readonly byte[][] buffers = [.. sockets.Select(_ => new byte[maxMessage])];

        public TargetProcess Target => target;

        public static async Task<WebSocketEcho> StartAsync(ScenarioContext context, int connections, int maxMessage, bool viaWan, DeliveryWire wire, CancellationToken ct)
        {
            var token = Secrets.NewToken();
            var (arguments, environment) = wire.HubStart();
            var target = await TargetProcess.StartAsync(TargetRole.Hub, ["--max-message-bytes", maxMessage.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments],
                new Dictionary<string, string>(environment) { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
            var wan = viaWan ? WanLink.To(target.SecureUrl ?? target.Url) : null;
            try
            {
                var url = wan?.Url ?? wire.ClientUrl(target);
                var sockets = await Task.WhenAll(Enumerable.Range(0, connections)
                    .Select(_ => WebSocketClients.ConnectAsync(url, "/ws/echo", token, ct, wire: wire))).ConfigureAwait(false);
                return new WebSocketEcho(target, sockets, maxMessage, wan);
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

        public async ValueTask ExchangeAsync(IterationContext it, Payloads payload, CancellationToken ct)
        {
            var socket = sockets[it.VirtualUser];
            var body = bodies[it.VirtualUser];
            body.ResetWrittenCount();
            WriteBody(body, it, payload);
            await socket.SendAsync(body.WrittenMemory, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            var length = await WebSocketClients.ReceiveMessageAsync(socket, buffers[it.VirtualUser], ct).ConfigureAwait(false);
            if (length < 0)
            {
                throw new IterationFailedException("closed_by_target");
            }

            if (length != body.WrittenCount)
            {
                throw new IterationFailedException("echo_mismatch");
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var socket in sockets)
            {
                await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
            }

            if (wan is not null)
            {
                await wan.DisposeAsync().ConfigureAwait(false);
            }

            await target.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class WebhookPost(TargetProcess target, HttpClient[] clients, WebhookSignature signature, TimeProvider clock, WanLink? wan, DeliveryWire wire) : IRttSession
    {
        private readonly ArrayBufferWriter<byte>[] bodies = [.. clients.Select(_ => new ArrayBufferWriter<byte>(1024))];
        private readonly Uri url = new((wan?.Url ?? wire.ClientUrl(target)) + "/webhook");

        public TargetProcess Target => target;

        public static async Task<WebhookPost> StartAsync(ScenarioContext context, int connections, int maxBody, bool viaWan, DeliveryWire wire, CancellationToken ct)
        {
            var secret = WebhookSignature.NewSecret();
            var (arguments, environment) = wire.ReceiverStart();
            var target = await TargetProcess.StartAsync(TargetRole.Receiver, ["--max-body-bytes", maxBody.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments],
                new Dictionary<string, string>(environment) { ["BENCH_SECRET"] = secret }, context.ReadyTimeout, ct).ConfigureAwait(false);

            // One handler per virtual user, limited to one connection: each virtual user keeps exactly one connection alive
            // (or, cold, opens a new one per request).
            var clients = Enumerable.Range(0, connections).Select(_ =>
            {
                var handler = wire.Handler();
                handler.MaxConnectionsPerServer = 1;
                return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            }).ToArray();
            return new WebhookPost(target, clients, new WebhookSignature(secret), context.Clock, viaWan ? WanLink.To(target.SecureUrl ?? target.Url) : null, wire);
        }

        public async ValueTask ExchangeAsync(IterationContext it, Payloads payload, CancellationToken ct)
        {
            var body = bodies[it.VirtualUser];
            body.ResetWrittenCount();
            WriteBody(body, it, payload);
            var id = PublishedEvent.EventId(it.Number);
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ReadOnlyMemoryContent(wire.Compressed ? Bench.Targets.Dispatcher.WebhookDispatcher.Gzip(body.WrittenSpan) : body.WrittenMemory),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            if (wire.Compressed)
            {
                request.Content.Headers.ContentEncoding.Add("gzip");
            }

            if (wire.NewConnectionPerDelivery)
            {
                request.Headers.ConnectionClose = true;
            }

            request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, id);
            request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, signature.Sign(id, timestamp, body.WrittenSpan));
            using var response = await clients[it.VirtualUser].SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new IterationFailedException("http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            if (wan is not null)
            {
                await wan.DisposeAsync().ConfigureAwait(false);
            }

            await target.DisposeAsync().ConfigureAwait(false);
        }
    }
}
