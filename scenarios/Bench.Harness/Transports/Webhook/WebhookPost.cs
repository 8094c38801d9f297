using System.Buffers;
using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// rtt over webhooks: one kept-alive connection per virtual user to a receiver, each exchange one signed POST answered 2xx.
/// </summary>
internal sealed class WebhookPost(TargetProcess target, HttpClient[] clients, WebhookSignature signature, TimeProvider clock, WanLink? wan,
    DeliveryWire wire) : IRttSession
{
    private readonly ArrayBufferWriter<byte>[] bodies = [.. clients.Select(_ => new ArrayBufferWriter<byte>(1024))];
    private readonly Uri url = new((wan?.Url ?? wire.ClientUrl(target)) + "/webhook");

    public ITargetHandle Target => target;

    public static async Task<WebhookPost> StartAsync(ScenarioContext context, RttSetup setup, CancellationToken ct)
    {
        var (connections, maxBody, wire) = (setup.Connections, setup.MaxMessage, setup.Wire);
        var secret = WebhookSignature.NewSecret();
        var (arguments, environment) = wire.ReceiverStart();
        var target = await TargetProcess.StartAsync(TargetRole.Receiver, ["--max-body-bytes",
            maxBody.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments],
            new Dictionary<string, string>(environment) { ["BENCH_SECRET"] = secret }, context.ReadyTimeout, ct).ConfigureAwait(false);

        // One handler per virtual user, limited to one connection: each virtual user keeps exactly one connection alive
        // (or, cold, opens a new one per request).
        var clients = Enumerable.Range(0, connections).Select(_ =>
        {
            var handler = wire.Handler();
            handler.MaxConnectionsPerServer = 1;
            return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        }).ToArray();
        return new WebhookPost(target, clients, new WebhookSignature(secret), context.Clock,
            setup.Wan ? WanLink.To(target.SecureUrl ?? target.Url) : null, wire);
    }

    public async ValueTask ExchangeAsync(IterationContext it, Payloads payload, CancellationToken ct)
    {
        var body = bodies[it.VirtualUser];
        body.ResetWrittenCount();
        RttBody.Write(body, it, payload);
        var id = PublishedEvent.EventId(it.Number);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ReadOnlyMemoryContent(
                wire.Compressed ? Bench.Targets.Dispatcher.WebhookDispatcher.Gzip(body.WrittenSpan) : body.WrittenMemory),
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
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader,
            timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, signature.Sign(id, timestamp, body.WrittenSpan));
        using var response = await clients[it.VirtualUser].SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new IterationFailedException(
                "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
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
