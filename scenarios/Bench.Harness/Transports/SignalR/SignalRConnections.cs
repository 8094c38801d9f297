using Bench.Harness.Clients;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Harness.Transports.SignalR;

/// <summary>
/// Builds SignalR client connections to the hub's <c>/signalr</c> as an application would (negotiate, then
/// WebSockets), with the run's wire: its handler for negotiate (its connection closed once answered) and its own WebSocket (TLS by pin,
/// bytes counted, the bearer token) for the transport. <c>messagepack</c> picks the MessagePack hub protocol instead of JSON.
/// </summary>
public static class SignalRConnections
{
    public const string MessagePack = "messagepack";

    public const string Path = "/signalr";

    public static HubConnection Build(string hubUrl, string token, SubscriberOptions options, IRetryPolicy? reconnect)
    {
        var wire = options.Wire ?? DeliveryWire.Plain();

        // Negotiate may name another URL: the hub's own host only, so its token goes nowhere else.
        string[] hosts = [new Uri(hubUrl).Host];
        var builder = new HubConnectionBuilder()
            .WithUrl(hubUrl.TrimEnd('/') + Path, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.HttpMessageHandlerFactory = _ =>
                {
                    // Negotiate is one request per connect: its HTTP connection is closed as soon as the answer is in
                    // (an idle timeout of zero keeps nothing in the pool), so thousands of clients (a storm's, through
                    // the fault proxy in this process) hold one socket each, not two. With a one-second idle the storm
                    // still reached 17,600 of the 20,000 descriptors here, and passed them after the websocket case.
                    var handler = wire.Handler(options.Source);
                    handler.PooledConnectionIdleTimeout = TimeSpan.Zero;
                    return new AllowedHostsHandler(hosts, handler);
                };
                o.WebSocketFactory = async (context, ct) =>
                {
                    AllowedHostsHandler.Check(hosts, context.Uri);
                    var socket = WebSocketClients.ConnectAsync(context.Uri, token, ct, wire: wire, source: options.Source);
                    return await socket.ConfigureAwait(false);
                };
            });
        if (Plan.VariantName.Has(options.Variant, MessagePack))
        {
            builder.AddMessagePackProtocol();
        }

        if (options.Resume)
        {
            builder.WithStatefulReconnect();
        }

        if (reconnect is not null)
        {
            builder.WithAutomaticReconnect(reconnect);
        }

        var connection = builder.Build();
        if (options.KeepAliveInterval > TimeSpan.Zero)
        {
            connection.KeepAliveInterval = options.KeepAliveInterval;
            if (options.KeepAliveTimeout > TimeSpan.Zero)
            {
                connection.ServerTimeout = options.KeepAliveInterval + options.KeepAliveTimeout;
            }
        }

        return connection;
    }
}
