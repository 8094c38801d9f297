using System.Net.WebSockets;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub;

/// <summary>The hub's routes: <c>/ws/echo</c>, <c>/ws/subscribe</c>, <c>/publish</c> and <c>/stats</c>.</summary>
public static class HubEndpoints
{
    public static IServiceCollection AddHub(this IServiceCollection services, Action<HubOptions>? configure = null)
    {
        services.AddOptions<HubOptions>().Configure(o => configure?.Invoke(o));
        services.AddSingleton<HubBroadcaster>();
        return services;
    }

    public static IEndpointRouteBuilder MapHub(this IEndpointRouteBuilder app)
    {
        app.Map("/ws/echo", EchoAsync);
        app.Map("/ws/subscribe", SubscribeAsync);
        app.Map(PublishEndpoint.Path, PublishAsync);
        app.MapGet("/stats", (HubBroadcaster hub) => Results.Json(new HubStats(hub.Published, hub.SubscriberCount, hub.Dropped), TargetsJson.Default.HubStats));
        return app;
    }

    private static async Task EchoAsync(HttpContext context, IOptions<HubOptions> options)
    {
        var o = options.Value;
        if (await RefuseAsync(context, o) is null)
        {
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
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
        if (await RefuseAsync(context, o) is null)
        {
            return;
        }

        var stream = context.Request.Query["stream"].ToString();
        if (stream.Length == 0)
        {
            stream = "s" + context.Connection.Id;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var subscriber = new Subscriber(stream, socket, o.SubscriberQueueCapacity);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        hub.Add(subscriber);
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
            hub.Remove(subscriber);
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
    }

    private static async Task PublishAsync(HttpContext context, IOptions<HubOptions> options, HubBroadcaster hub)
    {
        var o = options.Value;
        if (await RefuseAsync(context, o) is null)
        {
            return;
        }

        await PublishEndpoint.HandleAsync(context, hub, o.MaxMessageBytes).ConfigureAwait(false);
    }

    /// <summary>Answers a request that may not upgrade; returns null when refused, the context otherwise.</summary>
    private static async Task<HttpContext?> RefuseAsync(HttpContext context, HubOptions o)
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

        return context;
    }
}

/// <summary>The hub's counters at <c>/stats</c>.</summary>
public sealed record HubStats(long Published, int Subscribers, long Dropped);
