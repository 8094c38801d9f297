using System.Buffers;
using System.Net.WebSockets;
using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Targets.Hosting;

namespace Bench.Harness.Transports.WebSocket;

/// <summary>
/// rtt over WebSocket: one connection per virtual user to the hub's <c>/ws/echo</c>, each exchange one message echoed back.
/// </summary>
internal sealed class WebSocketEcho(TargetProcess target, ClientWebSocket[] sockets, int maxMessage, WanLink? wan) : IRttSession
{
    private readonly ArrayBufferWriter<byte>[] bodies = [.. sockets.Select(_ => new ArrayBufferWriter<byte>(1024))];
    private readonly byte[][] buffers = [.. sockets.Select(_ => new byte[maxMessage])];

    public ITargetHandle Target => target;

    public static async Task<WebSocketEcho> StartAsync(ScenarioContext context, RttSetup setup, CancellationToken ct)
    {
        var (connections, maxMessage, wire) = (setup.Connections, setup.MaxMessage, setup.Wire);
        var token = Secrets.NewToken();
        var (arguments, environment) = wire.HubStart();
        var target = await TargetProcess.StartAsync(TargetRole.Hub, Hub.HubTarget.Arguments(maxMessage, null, arguments),
            new Dictionary<string, string>(environment) { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        var wan = setup.Wan ? WanLink.To(target.SecureUrl ?? target.Url) : null;
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
        RttBody.Write(body, it, payload);
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
