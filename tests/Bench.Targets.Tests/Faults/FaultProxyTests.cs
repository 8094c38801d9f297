using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bench.Targets.Faults;

namespace Bench.Targets.Tests.Faults;

/// <summary>Each toxic on a real socket pair: a TCP echo server behind the proxy, a client in front of it.</summary>
public sealed class FaultProxyTests : IAsyncLifetime
{
    private readonly TcpEchoServer echo = new();
    private FaultProxy proxy = null!;

    public Task InitializeAsync()
    {
        proxy = FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, 0), echo.Endpoint);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await echo.DisposeAsync();
    }

    private async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(proxy.Endpoint);
        return s;
    }

    private static async Task<byte[]> RoundTripAsync(Socket s, int bytes, TimeSpan timeout)
    {
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        await s.SendAsync(data);
        var back = new byte[bytes];
        var got = 0;
        using var cts = new CancellationTokenSource(timeout);
        while (got < bytes)
        {
            var n = await s.ReceiveAsync(back.AsMemory(got), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                break;
            }

            got += n;
        }

        Assert.Equal(data, back);
        return back;
    }

    [Fact]
    public async Task Without_toxics_bytes_pass_through_unchanged()
    {
        using var s = await ConnectAsync();

        await RoundTripAsync(s, 100_000, TimeSpan.FromSeconds(10));

        Assert.Equal(1, proxy.ActiveConnections);
    }

    [Fact]
    public async Task Latency_delays_each_direction()
    {
        using var s = await ConnectAsync();
        await RoundTripAsync(s, 10, TimeSpan.FromSeconds(10));
        proxy.Toxics = new Toxics { Latency = TimeSpan.FromMilliseconds(100) };

        var watch = Stopwatch.StartNew();
        await RoundTripAsync(s, 10, TimeSpan.FromSeconds(10));

        // 100 ms up and 100 ms back.
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 195, 5000);
    }

    [Fact]
    public async Task Latency_in_one_direction_delays_only_that_direction()
    {
        // Fake time: the downstream delay cannot pass until the test moves the clock.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var slow = FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, 0), echo.Endpoint, clock);
        slow.Toxics = new Toxics { Latency = TimeSpan.FromSeconds(1), LatencyDirection = ToxicDirection.Downstream };
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(slow.Endpoint);

        await s.SendAsync(new byte[] { 7, 7, 7 });
        var buffer = new byte[3];
        var back = s.ReceiveAsync(buffer, SocketFlags.None);
        for (var i = 0; i < 500 && echo.EchoedBytes < 3; i++)
        {
            await Task.Delay(10);
        }

        // Upstream was not delayed: the server has the bytes and echoed them; the echo waits downstream.
        Assert.Equal(3, echo.EchoedBytes);
        await Task.Delay(100);
        Assert.False(back.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(3, await back.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Bandwidth_limits_the_bytes_a_second()
    {
        using var s = await ConnectAsync();
        proxy.Toxics = new Toxics { BandwidthKiBPerSec = 100 };

        // 40 KiB each way at 100 KiB/s: at least 0.4 s one way (the directions overlap).
        var watch = Stopwatch.StartNew();
        await RoundTripAsync(s, 40 * 1024, TimeSpan.FromSeconds(20));

        Assert.InRange(watch.Elapsed.TotalSeconds, 0.35, 10);
    }

    [Fact]
    public async Task Reset_peer_closes_open_connections_with_a_reset()
    {
        using var s = await ConnectAsync();
        await RoundTripAsync(s, 10, TimeSpan.FromSeconds(10));

        proxy.ResetPeers();

        var e = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await s.SendAsync(new byte[10]);
                var buffer = new byte[10];
                if (await s.ReceiveAsync(buffer) == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }

                await Task.Delay(20);
            }
        });
        Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
    }

    [Fact]
    public async Task Blackhole_holds_traffic_with_sockets_open_and_releases_it_when_lifted()
    {
        using var s = await ConnectAsync();
        await RoundTripAsync(s, 10, TimeSpan.FromSeconds(10));
        proxy.Toxics = new Toxics { Blackhole = true };

        await s.SendAsync(new byte[] { 1, 2, 3 });
        var buffer = new byte[3];
        var pending = s.ReceiveAsync(buffer, SocketFlags.None);
        await Task.Delay(500);
        Assert.False(pending.IsCompleted, "nothing gets through a blackhole");
        Assert.True(s.Connected);

        proxy.Toxics = Toxics.None;

        Assert.Equal(3, await pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer);
    }

    [Fact]
    public async Task Down_refuses_new_connections_resets_open_ones_and_then_recovers()
    {
        using var open = await ConnectAsync();
        await RoundTripAsync(open, 10, TimeSpan.FromSeconds(10));

        var down = proxy.DownAsync(TimeSpan.FromSeconds(1));
        await Task.Delay(200);

        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var refused = await ConnectAsync();
            await RoundTripAsync(refused, 10, TimeSpan.FromSeconds(2));
        });
        await down;
        using var again = await ConnectAsync();
        await RoundTripAsync(again, 10, TimeSpan.FromSeconds(10));
        Assert.True(await IsClosedAsync(open), "the connection open before down was reset");
    }

    private static async Task<bool> IsClosedAsync(Socket s)
    {
        try
        {
            return await s.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5)) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    [Fact]
    public void An_upstream_outside_loopback_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(
            () => FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Parse("192.0.2.1"), 80)));

        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
    }
}
