using System.Buffers;
using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Targets.Hosting;
using Bench.Targets.Hub.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Bench.Harness.Transports.Grpc;

/// <summary>
/// rtt over gRPC: one channel (one HTTP/2 connection) per virtual user to the hub's gRPC port, each exchange one unary
/// <c>Echo</c>.
/// </summary>
internal sealed class GrpcEcho(TargetProcess target, GrpcChannel[] channels, Metadata headers, WanLink? wan) : IRttSession
{
    private readonly Events.EventsClient[] clients = [.. channels.Select(c => new Events.EventsClient(c))];
    private readonly ArrayBufferWriter<byte>[] bodies = [.. channels.Select(_ => new ArrayBufferWriter<byte>(1024))];

    public ITargetHandle Target => target;

    public static async Task<GrpcEcho> StartAsync(ScenarioContext context, RttSetup setup, GrpcTransport transport, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var target = await TargetProcess.StartAsync(TargetRole.Hub, Hub.HubTarget.Arguments(setup.MaxMessage, null, transport.HubArguments),
            new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
        var direct = transport.SubscriberUrl(target, setup.Wire);
        var wan = setup.Wan ? WanLink.To(direct) : null;
        var channels = new List<GrpcChannel>();
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        try
        {
            var options = new SubscriberOptions { Wire = setup.Wire, KeepAliveInterval = TimeSpan.Zero };
            for (var i = 0; i < setup.Connections; i++)
            {
                channels.Add(GrpcChannel.ForAddress(wan?.Url ?? direct, new GrpcChannelOptions
                {
                    HttpHandler = GrpcSubscriber.Handler(options),
                    DisposeHttpClient = true,
                    MaxReceiveMessageSize = setup.MaxMessage + 64,
                    MaxSendMessageSize = setup.MaxMessage + 64,
                }));
            }

            // Each connection opened now, by a first call (ConnectAsync needs a handler without a ConnectCallback, and the
            // wire's has one), so that no exchange measures a connection's set-up.
            var first = channels.Select(c => new Events.EventsClient(c).EchoAsync(new EchoMessage(), headers, cancellationToken: ct));
            await Task.WhenAll(first.Select(call => call.ResponseAsync)).ConfigureAwait(false);
            return new GrpcEcho(target, [.. channels], headers, wan);
        }
        catch
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }

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
        var body = bodies[it.VirtualUser];
        body.ResetWrittenCount();
        RttBody.Write(body, it, payload);
        EchoMessage answer;
        try
        {
            // The body is serialised before the call is sent, and the buffer is not reused until the answer is in.
            var request = new EchoMessage { Body = UnsafeByteOperations.UnsafeWrap(body.WrittenMemory) };
            answer = await clients[it.VirtualUser].EchoAsync(request, headers, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
        {
            throw new IterationFailedException("grpc_" + e.StatusCode.ToString().ToLowerInvariant());
        }

        if (answer.Body.Length != body.WrittenCount)
        {
            throw new IterationFailedException("echo_mismatch");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        if (wan is not null)
        {
            await wan.DisposeAsync().ConfigureAwait(false);
        }

        await target.DisposeAsync().ConfigureAwait(false);
    }
}
