using System.IO.Compression;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub.Sse;

/// <summary>
/// <c>GET /sse/subscribe?stream=NAME</c>: one stream's events as Server-Sent Events. A client that reconnects with
/// <c>Last-Event-ID</c> (the sequence number of the last event it received, as every <c>EventSource</c> sends) is resumed
/// from the hub's replay buffer, exactly as a WebSocket subscriber with <c>resumeFrom</c>. With compression allowed and
/// <c>Accept-Encoding: gzip</c>, the stream is gzip-compressed and sync-flushed after every event.
/// </summary>
internal static class SseEndpoint
{
    public const string Path = "/sse/subscribe";

    public static async Task SubscribeAsync(HttpContext context, IOptions<HubOptions> options, HubBroadcaster hub)
    {
        var o = options.Value;
        if (AccessGate.Check(context.Request, o.Token, o.AllowedOrigins) is { } refused)
        {
            context.Response.StatusCode = refused;
            return;
        }

        if (!hub.TryOpenConnection())
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        try
        {
            if (await HubEndpoints.CheckSubscriptionAsync(context, hub, context.Request.Headers["Last-Event-ID"].ToString())
                .ConfigureAwait(false))
            {
                await StreamAsync(context, o, hub).ConfigureAwait(false);
            }
        }
        finally
        {
            hub.CloseConnection();
        }
    }

    private static async Task StreamAsync(HttpContext context, HubOptions o, HubBroadcaster hub)
    {
        var name = HubEndpoints.StreamName(context);
        var resumeFrom = HubEndpoints.ParseSeq(context.Request.Headers["Last-Event-ID"].ToString());
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var gzip = o.AllowCompression
            && context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        var ct = context.RequestAborted;
        await response.StartAsync(ct).ConfigureAwait(false);
        var body = gzip ? new GZipStream(response.Body, CompressionLevel.Optimal, leaveOpen: true) : response.Body;
        using var writer = new SseEventWriter(body);
        var subscriber = new Subscriber(name, writer, hub.Limits, o.InjectDelay);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, subscriber.TakenOver);
        try
        {
            await writer.WriteRetryAsync(o.SseRetry, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return;
        }

        if (hub.Attach(subscriber, resumeFrom, HubEndpoints.TakesOver(context)) is not { } stream)
        {
            // Another connection took the stream after the check: say so as an event, then end the response.
            await TryWriteAsync(writer.WriteNoticeAsync("refused", HubEndpoints.StreamTakenMessage(name), ct)).ConfigureAwait(false);
            return;
        }

        var sending = subscriber.SendLoopAsync(stop.Token);
        var beating = HeartbeatAsync(writer, o.KeepAliveInterval, stop.Token);
        try
        {
            // The stream ends when the client goes away, the send loop fails, or another connection takes the stream over.
            await Task.WhenAny(sending, beating, Task.Delay(Timeout.Infinite, stop.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            hub.Detach(stream, subscriber);
            await stop.CancelAsync().ConfigureAwait(false);
        }

        foreach (var task in new[] { sending, beating })
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception e)
                when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // Both loops end with the connection.
            }
        }

        if (subscriber.WasTakenOver)
        {
            await TryWriteAsync(writer.WriteNoticeAsync("takeover", "another connection took this stream over", ct)).ConfigureAwait(false);
        }

        if (gzip)
        {
            try
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
            {
                // The gzip trailer cannot reach a client that has gone.
            }
        }
    }

    private static async Task TryWriteAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone: nothing to tell it.
        }
    }

    private static async Task HeartbeatAsync(SseEventWriter writer, TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            await writer.WriteHeartbeatAsync(ct).ConfigureAwait(false);
        }
    }
}
