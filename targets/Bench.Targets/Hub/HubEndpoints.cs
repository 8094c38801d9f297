using System.Net.WebSockets;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub;

/// <summary>The hub's routes: <c>/ws/echo</c>, <c>/ws/subscribe</c>, <c>/publish</c> and <c>/stats</c>.</summary>
public static class HubEndpoints
{
    public static IServiceCollection AddHub(this IServiceCollection services, Action<HubOptions>? configure = null)
    {
        services.AddOptions<HubOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HubBroadcaster>();
        return services;
    }

    public static IEndpointRouteBuilder MapHub(this IEndpointRouteBuilder app)
    {
        app.Map("/ws/echo", EchoAsync);
        app.Map("/ws/subscribe", SubscribeAsync);
        app.Map(PublishEndpoint.Path, PublishAsync);
        app.MapGet("/stats", (HubBroadcaster hub) => Results.Json(hub.Stats(), TargetsJson.Default.HubStats));
        app.MapGet("/stats/streams", (HubBroadcaster hub) => Results.Json(hub.StreamAttachSeqs(), TargetsJson.Default.DictionaryStringInt64Array));
        return app;
    }

    private static async Task EchoAsync(HttpContext context, IOptions<HubOptions> options, HubBroadcaster hub)
    {
        var o = options.Value;
        if (await RefuseAsync(context, o, hub) is null)
        {
            return;
        }

        try
        {
            await EchoLoopAsync(context, o).ConfigureAwait(false);
        }
        finally
        {
            hub.CloseConnection();
        }
    }

    private static async Task EchoLoopAsync(HttpContext context, HubOptions o)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = o.AllowCompression }).ConfigureAwait(false);
        var buffer = new byte[o.MaxMessageBytes];
        var ct = context.RequestAborted;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {o.MaxMessageBytes} bytes", ct).ConfigureAwait(false);
                        return;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
                    return;
                }

                Hosting.InjectedDelay.Spend(o.InjectDelay);
                await socket.SendAsync(buffer.AsMemory(0, length), result.MessageType, true, ct).ConfigureAwait(false);
            }
        }
        catch (WebSocketException) when (socket.State is WebSocketState.Aborted or WebSocketState.Closed)
        {
            // The client went away without a close handshake: nothing left to answer.
        }
    }

    private static async Task SubscribeAsync(HttpContext context, IOptions<HubOptions> options, HubBroadcaster hub)
    {
        var o = options.Value;
        if (await RefuseAsync(context, o, hub) is null)
        {
            return;
        }

        try
        {
            await SubscriptionAsync(context, o, hub).ConfigureAwait(false);
        }
        finally
        {
            hub.CloseConnection();
        }
    }

    private static async Task SubscriptionAsync(HttpContext context, HubOptions o, HubBroadcaster hub)
    {
        var query = context.Request.Query;
        var name = query["stream"].ToString();
        if (name.Length == 0)
        {
            name = "s" + context.Connection.Id;
        }

        long? resumeFrom = long.TryParse(query["resumeFrom"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var last) ? last : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = o.AllowCompression }).ConfigureAwait(false);
        var subscriber = new Subscriber(name, socket, o.SubscriberQueueCapacity, o.InjectDelay);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var stream = hub.Attach(subscriber, resumeFrom);
        var sending = subscriber.SendLoopAsync(stop.Token);
        try
        {
            // Subscribers only listen; a read loop notices the close handshake or a dead peer.
            var scratch = new byte[256];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(scratch.AsMemory(), stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Disconnection is the end of this subscription, not a hub failure.
        }
        finally
        {
            hub.Detach(stream, subscriber);
            await stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The send loop ends with the connection.
        }

        if (socket.State == WebSocketState.CloseReceived)
        {
            // Complete the close handshake the subscriber began.
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The subscriber left without waiting for the answer.
            }
        }
    }

    private static async Task PublishAsync(HttpContext context, IOptions<HubOptions> options, HubBroadcaster hub)
    {
        var o = options.Value;
        if (await RefuseAsync(context, o, hub) is null)
        {
            return;
        }

        try
        {
            await PublishEndpoint.HandleAsync(context, hub, o.MaxMessageBytes).ConfigureAwait(false);
        }
        finally
        {
            hub.CloseConnection();
        }
    }

    /// <summary>
    /// Answers a request that may not upgrade and returns null; otherwise counts the connection (the caller closes it)
    /// and returns the context.
    /// </summary>
    private static async Task<HttpContext?> RefuseAsync(HttpContext context, HubOptions o, HubBroadcaster hub)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("a WebSocket upgrade is expected here\n").ConfigureAwait(false);
            return null;
        }

        if (AccessGate.Check(context.Request, o.Token, o.AllowedOrigins) is { } status)
        {
            context.Response.StatusCode = status;
            return null;
        }

        if (!hub.TryOpenConnection())
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return null;
        }

        return context;
    }
}
