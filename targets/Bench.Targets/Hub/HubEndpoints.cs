using System.Net.WebSockets;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub;

/// <summary>
/// The hub's routes: <c>/ws/echo</c> and <c>/ws/subscribe</c> (WebSocket), <c>/sse/subscribe</c> (Server-Sent Events),
/// <c>/signalr</c> (an ASP.NET Core SignalR hub), the gRPC service <c>bench.events.v1.Events</c> (served on the hub's
/// HTTP/2 port, <see cref="Grpc.EventsService"/>), <c>/publish</c> and <c>/stats</c>. All four push transports share one
/// broadcaster, one set of streams and one replay buffer, so only the delivery leg differs.
/// </summary>
public static class HubEndpoints
{
    public static IServiceCollection AddHub(this IServiceCollection services, Action<HubOptions>? configure = null)
    {
        services.AddOptions<HubOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HubBroadcaster>();
        services.AddSingleton(sp =>
            new SignalR.SignalRAdmission(sp.GetRequiredService<IOptions<HubOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSignalR().AddMessagePackProtocol();
        services.AddOptions<Microsoft.AspNetCore.SignalR.HubOptions>().Configure<IOptions<HubOptions>>((signalR, hub) =>
        {
            signalR.KeepAliveInterval = hub.Value.KeepAliveInterval;
            signalR.ClientTimeoutInterval = (hub.Value.KeepAliveInterval * 2) + TimeSpan.FromSeconds(1);
            signalR.MaximumReceiveMessageSize = hub.Value.MaxMessageBytes;
            signalR.StatefulReconnectBufferSize = hub.Value.StatefulReconnectBufferBytes;
        });
        services.AddGrpc();
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<HubOptions>>((grpc, hub) =>
        {
            // An Echo's body is limited as a WebSocket echo's is; the message around it adds a few bytes.
            grpc.MaxReceiveMessageSize = hub.Value.MaxMessageBytes + 16;
            grpc.EnableDetailedErrors = false;
        });

        // HTTP/2 pings (the gRPC port's keep-alive) at the hub's keep-alive interval: a silent client is dropped.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HubOptions>>((kestrel, hub) =>
        {
            kestrel.Limits.Http2.KeepAlivePingDelay = hub.Value.KeepAliveInterval;
            kestrel.Limits.Http2.KeepAlivePingTimeout = (hub.Value.KeepAliveInterval * 2) + TimeSpan.FromSeconds(1);
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
        app.MapGrpcService<Grpc.EventsService>();
        app.MapGet("/stats", (HubBroadcaster hub) => Results.Json(hub.Stats(), TargetsJson.Default.HubStats)).RequireToken(Token);
        app.MapGet(
                "/stats/streams",
                (HubBroadcaster hub) => Results.Json(hub.StreamAttachSeqs(), TargetsJson.Default.DictionaryStringInt64Array))
            .RequireToken(Token);
        return app;
    }

    /// <summary>The hub's bearer token, or null when it has none.</summary>
    internal static string? Token(IServiceProvider services) => services.GetRequiredService<IOptions<HubOptions>>().Value.Token;

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
        using var socket = await context.WebSockets.AcceptWebSocketAsync(
            new WebSocketAcceptContext { DangerousEnableCompression = o.AllowCompression }).ConfigureAwait(false);

        // Small until a message needs more: an idle echo connection costs a few KiB, not the largest message.
        var buffer = new byte[Math.Min(4096, o.MaxMessageBytes)];
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
                        if (length >= o.MaxMessageBytes)
                        {
                            await socket.CloseAsync(
                                    WebSocketCloseStatus.MessageTooBig, $"messages are limited to {o.MaxMessageBytes} bytes", ct)
                                .ConfigureAwait(false);
                            return;
                        }

                        Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, o.MaxMessageBytes));
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

                await o.InjectDelay.ApplyAsync().ConfigureAwait(false);
                await socket.SendAsync(buffer.AsMemory(0, length), result.MessageType, true, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // A broken frame (unmasked, bad opcode, invalid UTF-8) or a client gone without a close handshake: the
            // runtime has already answered what the protocol allows; the connection ends here, not the hub.
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
            if (!await CheckSubscriptionAsync(context, hub, context.Request.Query["resumeFrom"]).ConfigureAwait(false))
            {
                return;
            }

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
        var takeOver = TakesOver(context);
        long? resumeFrom = ParseSeq(query["resumeFrom"]);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(
            new WebSocketAcceptContext { DangerousEnableCompression = o.AllowCompression }).ConfigureAwait(false);
        var subscriber = new Subscriber(name, new WebSocketEventWriter(socket), hub.Limits, o.InjectDelay);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (hub.Attach(subscriber, resumeFrom, takeOver) is not { } stream)
        {
            // Another connection took the stream between the check before the upgrade and now.
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.PolicyViolation, StreamTakenMessage(name)).ConfigureAwait(false);
            return;
        }

        var sending = subscriber.SendLoopAsync(stop.Token);
        var closing = CloseWhenTakenOverAsync(socket, subscriber, sending, stop);
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

        await closing.ConfigureAwait(false);
        if (socket.State == WebSocketState.CloseReceived)
        {
            // Complete the close handshake the subscriber began.
            await CloseQuietlyAsync(socket, WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When another connection takes the stream: lets the send loop finish what it was writing, then starts the close
    /// handshake with 1008 and the reason (a receive is never cancelled: that would abort the socket without a word),
    /// and gives the client 5 seconds to answer.
    /// </summary>
    private static async Task CloseWhenTakenOverAsync(WebSocket socket, Subscriber subscriber, Task sending, CancellationTokenSource stop)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(subscriber.TakenOver, stop.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Taken over, or the connection ended.
        }

        if (!subscriber.WasTakenOver || stop.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The send loop ended with the connection; the close below fails quietly too.
        }

        await CloseQuietlyAsync(socket, WebSocketCloseStatus.PolicyViolation, "another connection took this stream over")
            .ConfigureAwait(false);
        try
        {
            stop.CancelAfter(TimeSpan.FromSeconds(5));
        }
        catch (ObjectDisposedException)
        {
            // The subscription ended first.
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status, string? reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The subscriber left without waiting for the answer.
        }
    }

    internal static string StreamTakenMessage(string name, string remedy = "reconnect with takeover=1") =>
        $"stream '{name}' has a subscriber; {remedy} to replace it";

    /// <summary>
    /// SignalR's negotiate and connect routes check the token and Origin as the WebSocket upgrade does. A negotiation
    /// counts as a connection until it connects or expires (503 and Retry-After past the limit), and stateful reconnect
    /// is agreed only while the stateful buffers' budget has room.
    /// </summary>
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

            if (context.Request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true && !Admit(context))
            {
                return;
            }

            await next(context).ConfigureAwait(false);
        };
    }

    private const string StatefulQuery = "useStatefulReconnect";

    private static bool Admit(HttpContext context)
    {
        var hub = context.RequestServices.GetRequiredService<HubBroadcaster>();
        var admission = context.RequestServices.GetRequiredService<SignalR.SignalRAdmission>();
        var wantsStateful = context.Request.Query.Any(q => q.Key.Equals(StatefulQuery, StringComparison.OrdinalIgnoreCase));
        if (!admission.TryNegotiate(hub.Connections, wantsStateful, out var statefulAllowed))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return false;
        }

        if (wantsStateful && !statefulAllowed)
        {
            // Without the query parameter SignalR negotiates a plain connection; the client goes on without stateful reconnect.
            var kept = context.Request.Query.Where(q => !q.Key.Equals(StatefulQuery, StringComparison.OrdinalIgnoreCase));
            context.Request.QueryString = new Microsoft.AspNetCore.Http.Extensions.QueryBuilder(kept).ToQueryString();
        }

        return true;
    }

    /// <summary>The stream a subscription asks for (<c>?stream=</c>), or one of its own named after the connection.</summary>
    internal static string StreamName(HttpContext context) =>
        context.Request.Query["stream"].ToString() is { Length: > 0 } name ? name : "s" + context.Connection.Id;

    /// <summary>Whether the subscription asks to replace a subscriber already on its stream (<c>?takeover=1</c>).</summary>
    internal static bool TakesOver(HttpContext context) => context.Request.Query["takeover"].ToString() is "1" or "true";

    /// <summary>
    /// Answers a subscription that cannot be served (400 a bad stream name or resumeFrom; 409 its stream has a subscriber
    /// and it did not ask to take over) and returns false; true when it may go on.
    /// </summary>
    internal static async Task<bool> CheckSubscriptionAsync(HttpContext context, HubBroadcaster hub, string? resumeFrom)
    {
        var name = StreamName(context);
        var problem = StreamNames.Problem(name);
        if (problem is null && !string.IsNullOrEmpty(resumeFrom) && ParseSeq(resumeFrom) is null)
        {
            problem = "resumeFrom (or Last-Event-ID) must be a whole number of 0 or more";
        }

        if (problem is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(problem + "\n").ConfigureAwait(false);
            return false;
        }

        if (!hub.CanAttach(name, TakesOver(context)))
        {
            context.Response.StatusCode = StatusCodes.Status409Conflict;
            await context.Response.WriteAsync(StreamTakenMessage(name) + "\n").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>A sequence number to resume after, or null when absent or not a number.</summary>
    internal static long? ParseSeq(string? value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq)
            ? seq
            : null;

    private static async Task PublishAsync(HttpContext context, IOptions<HubOptions> options, HubBroadcaster hub)
    {
        var o = options.Value;
        if (await RefuseAsync(context, o, hub) is null)
        {
            return;
        }

        try
        {
            await PublishEndpoint.HandleAsync(context, hub, o.MaxMessageBytes, hub.Publishers).ConfigureAwait(false);
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
