using System.Net;
using System.Net.Sockets;
using Bench.Harness.Scenarios.Faults;
using Bench.Scenarios.Tests.EndToEnd;
using Bench.Targets.Faults;

using Bench.Targets.Tests.Faults;

namespace Bench.Scenarios.Tests.Faults;

/// <summary>
/// The fault proxy as its own process (<c>bench proxy --control</c>), driven over its control routes on real loopback
/// sockets: a TCP echo server behind it, a client in front of it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ProcessFaultProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);
    private readonly TcpEchoServer echo = new();
    private ProcessFaultProxy proxy = null!;

    public async Task InitializeAsync()
    {
        proxy = await ProcessFaultProxy.StartAsync(echo.Endpoint, 4, Ready, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await echo.DisposeAsync();
    }

    [Fact]
    public async Task The_proxy_is_a_child_process_of_its_own_and_gone_after_dispose()
    {
        var pid = proxy.ProcessId;
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.Contains(pid, TargetProcesses.Children());

        await proxy.DisposeAsync();

        Assert.True(proxy.Exited.IsCompleted);
        Assert.DoesNotContain(pid, TargetProcesses.Children());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-the-token")]
    public async Task Control_routes_refuse_a_missing_or_wrong_token_and_change_nothing(string? authorization)
    {
        using var http = new HttpClient();
        (HttpMethod, string)[] calls =
        [
            (HttpMethod.Get, "/counts"), (HttpMethod.Post, "/reset-peer"), (HttpMethod.Put, "/toxics?blackhole=true"),
            (HttpMethod.Post, "/down?ms=60000"),
        ];
        foreach (var (method, route) in calls)
        {
            using var request = new HttpRequestMessage(method, proxy.ControlUrl + route);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Neither blackholed nor down: a round trip goes through.
        using var client = await ConnectAsync();
        Assert.Equal("ok", await RoundTripAsync(client, "ok", TimeSpan.FromSeconds(5)));
        Assert.Equal(new FaultProxyCounts(1, 1, 0, false), await proxy.CountsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Reset_peer_resets_every_open_connection_and_counts_follow()
    {
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        Assert.Equal("a", await RoundTripAsync(a, "a", TimeSpan.FromSeconds(5)));
        Assert.Equal("b", await RoundTripAsync(b, "b", TimeSpan.FromSeconds(5)));
        Assert.Equal(new FaultProxyCounts(2, 2, 0, false), await proxy.CountsAsync(CancellationToken.None));

        await proxy.ResetPeersAsync(CancellationToken.None);

        foreach (var s in new[] { a, b })
        {
            var e = await Assert.ThrowsAsync<SocketException>(async () => await ReadAllAsync(s, TimeSpan.FromSeconds(5)));
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }

        // A reset connection leaves the count once its pumps have ended, a moment after the reset.
        await WaitForAsync(async () => (await proxy.CountsAsync(CancellationToken.None)).Active == 0);
        Assert.Equal(new FaultProxyCounts(0, 2, 0, false), await proxy.CountsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_blackhole_holds_data_until_the_toxics_are_cleared()
    {
        using var client = await ConnectAsync();
        await proxy.SetToxicsAsync(new Toxics { Blackhole = true }, CancellationToken.None);

        await client.SendAsync("held"u8.ToArray());
        var buffer = new byte[16];
        var read = client.ReceiveAsync(buffer, SocketFlags.None);
        Assert.NotSame(read, await Task.WhenAny(read, Task.Delay(500)));

        await proxy.SetToxicsAsync(Toxics.None, CancellationToken.None);
        var n = await read.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("held", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task Down_refuses_connections_for_its_duration_then_listens_again()
    {
        using var open = await ConnectAsync();
        Assert.Equal("x", await RoundTripAsync(open, "x", TimeSpan.FromSeconds(5)));

        var down = proxy.DownAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        await WaitForAsync(async () => (await proxy.CountsAsync(CancellationToken.None)).Down);

        // The open connection was reset; a new one is refused (nothing listens) while down.
        var reset = await Assert.ThrowsAsync<SocketException>(async () => await ReadAllAsync(open, TimeSpan.FromSeconds(5)));
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
        var refused = await Assert.ThrowsAsync<SocketException>(ConnectAsync);
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.False(down.IsCompleted, "the answer comes once the proxy is up again");

        await down.WaitAsync(TimeSpan.FromSeconds(15));
        await WaitForAsync(async () => (await proxy.CountsAsync(CancellationToken.None)).Active == 0);
        Assert.Equal(new FaultProxyCounts(0, 1, 0, false), await proxy.CountsAsync(CancellationToken.None));
        using var again = await ConnectAsync();
        Assert.Equal("y", await RoundTripAsync(again, "y", TimeSpan.FromSeconds(5)));
        Assert.Equal(new FaultProxyCounts(1, 2, 0, false), await proxy.CountsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_down_beyond_ten_minutes_is_a_400_and_changes_nothing()
    {
        var e = await Assert.ThrowsAsync<Bench.Harness.Targets.TargetFailedException>(
            () => proxy.DownAsync(TimeSpan.FromMinutes(11), CancellationToken.None));

        Assert.Contains("400", e.Message, StringComparison.Ordinal);
        Assert.Equal(new FaultProxyCounts(0, 0, 0, false), await proxy.CountsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Subscribers_beyond_one_process_limit_share_processes_that_every_fault_reaches_and_counts_add_up()
    {
        // One more subscriber than one process holds within this machine's open-file limit: two processes, ports alternating.
        var limit = Bench.Harness.Scenarios.Connections.ConnectionsScenario.OpenFileLimit();
        Assert.NotNull(limit);
        var subscribers = ProcessFaultProxy.SubscribersPerProcess(limit) + 1;
        await using var shared = await ProcessFaultProxy.StartAsync(echo.Endpoint, subscribers, Ready, CancellationToken.None);
        Assert.Equal(2, shared.Processes);
        Assert.NotEqual(shared.PortFor(0), shared.PortFor(1));
        Assert.Equal(shared.PortFor(0), shared.PortFor(shared.Processes));

        using var a = await ConnectToAsync(shared.PortFor(0));
        using var b = await ConnectToAsync(shared.PortFor(1));
        Assert.Equal("a", await RoundTripAsync(a, "a", TimeSpan.FromSeconds(5)));
        Assert.Equal("b", await RoundTripAsync(b, "b", TimeSpan.FromSeconds(5)));
        Assert.Equal(new FaultProxyCounts(2, 2, 0, false), await shared.CountsAsync(CancellationToken.None));

        await shared.ResetPeersAsync(CancellationToken.None);

        foreach (var s in new[] { a, b })
        {
            var e = await Assert.ThrowsAsync<SocketException>(async () => await ReadAllAsync(s, TimeSpan.FromSeconds(5)));
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }

        await WaitForAsync(async () => (await shared.CountsAsync(CancellationToken.None)).Active == 0);
        Assert.Equal(new FaultProxyCounts(0, 2, 0, false), await shared.CountsAsync(CancellationToken.None));
    }

    private static async Task<Socket> ConnectToAsync(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    private async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.PortFor(0)));
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private static async Task<string> RoundTripAsync(Socket s, string text, TimeSpan timeout)
    {
        await s.SendAsync(System.Text.Encoding.ASCII.GetBytes(text));
        var buffer = new byte[text.Length];
        var got = 0;
        using var cts = new CancellationTokenSource(timeout);
        while (got < buffer.Length)
        {
            var n = await s.ReceiveAsync(buffer.AsMemory(got), cts.Token);
            Assert.NotEqual(0, n);
            got += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Reads until the connection ends; a reset throws.</summary>
    private static async Task ReadAllAsync(Socket s, TimeSpan timeout)
    {
        var buffer = new byte[1024];
        using var cts = new CancellationTokenSource(timeout);
        while (await s.ReceiveAsync(buffer, cts.Token) > 0)
        {
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(20);
        }
    }
}
