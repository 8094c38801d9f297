using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Targets.Tests.Hardening;

/// <summary>Abuse the targets must survive: each case ends by checking the target still answers.</summary>
public sealed class HardeningTests : IAsyncLifetime
{
    private RunningTarget hub = null!;
    private RunningTarget receiver = null!;
    private RunningTarget dispatcher = null!;

    public async Task InitializeAsync()
    {
        static void Short(IServiceCollection s) => s.Configure<KestrelServerOptions>(
            k => k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2));
        hub = await TargetHost.StartHubAsync(o =>
        {
            o.Token = "t";
            o.MaxConnections = 10;
        }, services: Short);
        receiver = await TargetHost.StartReceiverAsync(o => o.Secret = WebhookSignature.NewSecret(), services: Short);
        dispatcher = await TargetHost.StartDispatcherAsync(o => o.Token = "t", services: Short);
    }

    public async Task DisposeAsync()
    {
        await hub.DisposeAsync();
        await receiver.DisposeAsync();
        await dispatcher.DisposeAsync();
    }

    private static async Task AssertServesAsync(RunningTarget target)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "t");
        var response = await http.GetAsync(target.Url + "/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string> Targets => new() { "hub", "receiver", "dispatcher" };

    private RunningTarget Pick(string name) => name switch { "hub" => hub, "receiver" => receiver, _ => dispatcher };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Random_bytes_get_the_connection_closed_and_the_target_keeps_serving(string name)
    {
        var target = Pick(name);
        var random = new Random(42);
        for (var i = 0; i < 20; i++)
        {
            using var socket = await HostileClient.ConnectAsync(target);
            var junk = new byte[random.Next(1, 8192)];
            random.NextBytes(junk);
            try
            {
                await socket.SendAsync(junk);
            }
            catch (SocketException)
            {
                // The server may hang up while junk is still being sent.
            }

            Assert.True(
                await HostileClient.ClosedWithinAsync(socket, TimeSpan.FromSeconds(10)),
                "the target closes a connection that speaks nonsense");
        }

        await AssertServesAsync(target);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Slowloris_headers_are_cut_off_by_the_header_timeout(string name)
    {
        var target = Pick(name);
        var watch = Stopwatch.StartNew();
        using var socket = await HostileClient.ConnectAsync(target);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /stats HTTP/1.1\r\nHost: x\r\n"));
        var trickle = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 20; i++)
                {
                    await Task.Delay(500);
                    await socket.SendAsync(Encoding.ASCII.GetBytes("X-Slow: a\r\n"));
                }
            }
            catch (SocketException)
            {
                // Cut off: what the test expects.
            }
        });

        Assert.True(await HostileClient.ClosedWithinAsync(socket, TimeSpan.FromSeconds(9)), "a connection trickling headers is closed");
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.5, 9);
        await trickle;
        await AssertServesAsync(target);
    }

    [Fact]
    public async Task A_connection_flood_past_the_limit_is_refused_with_503_and_capacity_comes_back()
    {
        var open = new List<ClientWebSocket>();
        var refused = 0;
        for (var i = 0; i < 15; i++)
        {
            var ws = new ClientWebSocket();
            ws.Options.CollectHttpResponseDetails = true;
            ws.Options.SetRequestHeader("Authorization", "Bearer t");
            try
            {
                await ws.ConnectAsync(new Uri("ws" + hub.Url[4..] + "/ws/echo"), CancellationToken.None);
                open.Add(ws);
            }
            catch (WebSocketException)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ws.HttpStatusCode);
                refused++;
                ws.Dispose();
            }
        }

        Assert.Equal(10, open.Count);
        Assert.Equal(5, refused);
        await AssertServesAsync(hub);

        foreach (var ws in open)
        {
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            ws.Dispose();
        }

        // Freed slots are counted back: a new connection is accepted.
        using var again = new ClientWebSocket();
        again.Options.SetRequestHeader("Authorization", "Bearer t");
        for (var i = 0; i < 50 && again.State != WebSocketState.Open; i++)
        {
            try
            {
                await again.ConnectAsync(new Uri("ws" + hub.Url[4..] + "/ws/echo"), CancellationToken.None);
            }
            catch (WebSocketException)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(WebSocketState.Open, again.State);
    }

    [Fact]
    public async Task Many_distinct_streams_do_not_grow_the_hubs_memory_without_bound()
    {
        await using var small = await TargetHost.StartHubAsync(o => o.MaxStreams = 5);
        for (var i = 0; i < 20; i++)
        {
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri("ws" + small.Url[4..] + $"/ws/subscribe?stream=x{i}"), CancellationToken.None);
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        await Task.Delay(200);
        var hubService = small.Services.GetRequiredService<Bench.Targets.Hub.HubBroadcaster>();
        Assert.InRange(hubService.StreamAttachSeqs().Count, 0, 6);
    }
}
