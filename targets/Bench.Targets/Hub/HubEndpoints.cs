using System.Net.WebSockets;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub;

/// <summary>
/// The hub's routes: <c>/ws/echo</c> and <c>/ws/subscribe</c> (WebSocket), <c>/sse/subscribe</c> (Server-Sent Events),
/// <c>/signalr</c> (an ASP.NET Core SignalR hub), <c>/publish</c> and <c>/stats</c>. All three push transports share one
/// broadcaster, one set of streams and one replay buffer, so only the delivery leg differs.
/// </summary>
public static class HubEndpoints
{
    public static IServiceCollection AddHub(this IServiceCollection services, Action<HubOptions>? configure = null)
    {
        services.AddOptions<HubOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HubBroadcaster>();
        services.AddSignalR().AddMessagePackProtocol();
        services.AddOptions<Microsoft.AspNetCore.SignalR.HubOptions>().Configure<IOptions<HubOptions>>((signalR, hub) =>
        {
            signalR.KeepAliveInterval = hub.Value.KeepAliveInterval;
            signalR.ClientTimeoutInterval = (hub.Value.KeepAliveInterval * 2) + TimeSpan.FromSeconds(1);
            signalR.MaximumReceiveMessageSize = hub.Value.MaxMessageBytes;
            signalR.StatefulReconnectBufferSize = hub.Value.StatefulReconnectBufferBytes;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapHub(this IEndpointRouteBuilder app)
    {
        app.Map("/ws/echo", EchoAsync);
        app.Map("/ws/subscribe", SubscribeAsync);
        app.Map(PublishEndpoint.Path, PublishAsync);
        app.MapGet(Sse.SseEndpoint.Path, Sse.SseEndpoint.SubscribeAsync);
        app.MapHub<SignalR.EventsHub>(SignalR.EventsHub.Path, o => o.AllowStatefulReconnects = true).Add(GateSignalR);
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
        var name = StreamName(context);
        long? resumeFrom = ParseSeq(query["resumeFrom"]);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = o.AllowCompression }).ConfigureAwait(false);
        var subscriber = new Subscriber(name, new WebSocketEventWriter(socket), o.SubscriberQueueCapacity, o.InjectDelay);
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

    /// <summary>SignalR's negotiate and connect routes check the token and Origin as the WebSocket upgrade does.</summary>
    private static void GateSignalR(EndpointBuilder endpoint)
    {
        var next = endpoint.RequestDelegate!;
        endpoint.RequestDelegate = async context =>
        {
            var o = context.RequestServices.GetRequiredService<IOptions<HubOptions>>().Value;
            if (AccessGate.Check(context.Request, o.Token, o.AllowedOrigins) is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }

            await next(context).ConfigureAwait(false);
        };
    }

    /// <summary>The stream a subscription asks for (<c>?stream=</c>), or one of its own named after the connection.</summary>
    internal static string StreamName(HttpContext context) =>
        context.Request.Query["stream"].ToString() is { Length: > 0 } name ? name : "s" + context.Connection.Id;

    /// <summary>A sequence number to resume after, or null when absent or not a number.</summary>
    internal static long? ParseSeq(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq) ? seq : null;

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
