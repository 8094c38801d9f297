using System.Net;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;
using Bench.Targets.Receiver;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// Bench's webhook receivers for a target file's sender, on loopback: <c>POST /bench/{subscriber}</c>, one endpoint
/// per subscriber, registered with the sender through <c>subscribe.register</c>; or the one URL the sender already
/// delivers to (<c>subscribe.receiver</c>), which is then the only subscriber. Signatures are verified (Standard
/// Webhooks, the file's secret, 5 minutes' tolerance) unless <c>signing: none</c>; a body that fails is answered 401 and
/// counted. Redeliveries are passed to the accounting, which counts them as duplicates.
/// </summary>
internal sealed class FileWebhookReceivers : IAsyncDisposable
{
    private readonly WebApplication app;
    private long rejected;

    private FileWebhookReceivers(WebApplication app, string baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>Deliveries refused for a missing or wrong signature.</summary>
    public long Rejected => Interlocked.Read(ref rejected);

    /// <summary>Why the last body could not be read as an event, or null.</summary>
    public string? LastUnreadable { get; private set; }

    public string UrlOf(string subscriber) => BaseUrl + "/bench/" + Uri.EscapeDataString(subscriber);

    public static async Task<FileWebhookReceivers> StartAsync(
        TargetFile file, DeliveryAccounting accounting, TimeProvider clock, int maxBody, CancellationToken ct,
        Bench.Targets.Wire.WireMeter? meter = null)
    {
        var s = file.Subscribe;
        var fixedUri = s.Receiver is null ? null : new Uri(s.Receiver);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            var address = fixedUri is not null ? IPAddress.Parse(fixedUri.Host)
                : s.Listen is { } listen ? IPAddress.Parse(listen)
                : IPAddress.Loopback;
            k.Listen(address, fixedUri?.Port ?? 0, l =>
            {
                if (meter is not null)
                {
                    // Counted on the receivers' server side (the overhead scenario), as for Bench's own dispatcher.
                    Bench.Targets.Wire.KestrelWire.CountInto(l, meter, tlsFollows: false);
                }
            });
            k.Limits.MaxRequestBodySize = maxBody;
        });
        var app = builder.Build();
        var verifier = s.Secret is null ? null : new WebhookVerifier(s.Secret, TimeSpan.FromMinutes(5), clock);
        FileWebhookReceivers? receivers = null;
        async Task ReceiveAsync(HttpContext context, string subscriber)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            var arrival = clock.GetTimestamp();
            var bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
            var headers = context.Request.Headers;
            if (verifier is not null && verifier.Verify(headers["webhook-id"], headers["webhook-timestamp"],
                headers["webhook-signature"], bytes) != Verdict.Valid)
            {
                Interlocked.Increment(ref receivers!.rejected);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            try
            {
                accounting.OnArrival(file.Envelope.Read(bytes) with { Stream = subscriber }, bytes.Length, arrival);
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
            {
                receivers!.LastUnreadable = e.Message;
                accounting.OnUnreadable(bytes.Length, arrival);
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }

        if (fixedUri is not null)
        {
            app.MapPost(fixedUri.AbsolutePath, (HttpContext context) => ReceiveAsync(context, "s0"));
        }
        else
        {
            app.MapPost("/bench/{subscriber}", (HttpContext context, string subscriber) => ReceiveAsync(context, subscriber));
        }

        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e) when (s.Listen is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new TargetFileException($"{file.Path}: subscribe.listen: Bench's receivers could not listen on {s.Listen}: " +
                e.Message.Split('\n')[0]);
        }

        var bound = app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        receivers = new FileWebhookReceivers(app, bound);
        return receivers;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
