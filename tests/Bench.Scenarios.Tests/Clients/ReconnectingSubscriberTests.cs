using System.Diagnostics;
using System.Net;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Transports.Sse;

namespace Bench.Scenarios.Tests.Clients;

/// <summary>
/// Bench's reconnecting clients (SSE and WebSocket) against hostile event-stream servers on loopback:
/// one that accepts every connection (200 text/event-stream, or 101 Switching Protocols) and drops it at once, and one
/// that asks for a reconnection time no timer holds.
/// </summary>
public sealed class ReconnectingSubscriberTests
{
    private const string EventStream = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

    [Theory]
    [InlineData("sse")]
    [InlineData("websocket")]
    public async Task A_server_that_accepts_and_drops_at_once_is_retried_no_faster_than_the_policy_allows(string transport)
    {
        await using var server = new HostileServer(
            IPAddress.Loopback, head => transport == "sse" ? EventStream : HostileServer.Upgrade(head));
        var policy = ReconnectPolicy.Default;
        var window = TimeSpan.FromSeconds(3);

        // The window starts once the first connection is up (on a loaded machine that can take a while): reconnects follow it.
        var subscriber = transport == "sse" ? await ConnectAsync(server) : await ConnectWebSocketAsync(server);
        var watch = Stopwatch.StartNew();
        await Task.Delay(window);
        await subscriber.DisposeAsync();
        var elapsed = watch.Elapsed;

        // Each connection is accepted (200, text/event-stream) and dropped: the backoff must not start again each time.
        Assert.InRange(server.Connections, 2, 1 + MostAttempts(policy, elapsed));
        Assert.InRange(subscriber.ReconnectAttempts, 1, MostAttempts(policy, elapsed));
        Assert.Null(subscriber.Failure);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("99999999999999999")]
    public async Task A_retry_no_timer_holds_is_bounded_by_the_backoff_cap_and_the_subscriber_comes_back(string retry)
    {
        await using var server = new HostileServer(IPAddress.Loopback, _ => EventStream + $"retry: {retry}\n\n");

        var subscriber = await ConnectAsync(server);
        var deadline = Stopwatch.StartNew();
        while (server.Connections < 2 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        await subscriber.DisposeAsync();
        Assert.True(server.Connections >= 2, $"the subscriber came back after retry: ({server.Connections} connection(s) in 10 s)");
        Assert.Null(subscriber.Failure);
    }

    /// <summary>The most attempts the policy allows within <paramref name="window"/>: every wait at its shortest (jitter down).</summary>
    internal static int MostAttempts(ReconnectPolicy policy, TimeSpan window)
    {
        var (attempts, spent) = (0, 0.0);
        while (true)
        {
            var step = Math.Min(policy.Max.TotalMilliseconds, policy.Min.TotalMilliseconds * Math.Pow(policy.Factor, attempts));
            var shortest = step * (1 - policy.Jitter);
            if (spent + shortest > window.TotalMilliseconds)
            {
                return attempts;
            }

            spent += shortest;
            attempts++;
        }
    }

    private static async Task<ReconnectingSubscriber> ConnectWebSocketAsync(HostileServer server)
    {
        var options = new SubscriberOptions { KeepAliveInterval = TimeSpan.Zero };
        var subscriber = (ReconnectingSubscriber)await WebSocketSubscriber.ConnectAsync(
            new Uri($"ws://127.0.0.1:{server.Port}/events"), new Dictionary<string, string>(), null, "s0", options, CancellationToken.None);
        subscriber.Start(Accounting(), TimeProvider.System, 4096);
        return subscriber;
    }

    private static DeliveryAccounting Accounting()
    {
        var recorder = new RunRecorder(TimeProvider.System, TimeSpan.Zero, 60);
        recorder.Begin(TimeProvider.System.GetTimestamp());
        return new DeliveryAccounting(recorder, ["s0"]);
    }

    private static async Task<ReconnectingSubscriber> ConnectAsync(HostileServer server)
    {
        var options = new SubscriberOptions { KeepAliveTimeout = TimeSpan.Zero };
        var subscriber = (ReconnectingSubscriber)await SseSubscriber.ConnectAsync(
            new Uri(server.Url + "/events"), new Dictionary<string, string>(), "s0", options, CancellationToken.None);
        subscriber.Start(Accounting(), TimeProvider.System, 4096);
        return subscriber;
    }
}
