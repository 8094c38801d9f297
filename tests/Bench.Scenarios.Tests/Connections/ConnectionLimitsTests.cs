using System.Net;
using System.Net.Sockets;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios.Connections;

namespace Bench.Scenarios.Tests.Connections;

public sealed class ConnectionLimitsTests
{
    [Fact]
    public void Too_low_an_open_file_limit_is_refused_with_how_to_raise_it()
    {
        var problem = ConnectionsScenario.CheckLimits(30_000, openFileLimit: 20_000);

        Assert.NotNull(problem);
        Assert.StartsWith("--connections: 30,000 connections need about 31,000 open files", problem, StringComparison.Ordinal);
        Assert.Contains("ulimit -n 31000", problem, StringComparison.Ordinal);
        Assert.Null(ConnectionsScenario.CheckLimits(10_000, openFileLimit: 20_000));
        Assert.Null(ConnectionsScenario.CheckLimits(10_000, openFileLimit: null));
        Assert.Equal(
            "--connections: the connections scenario holds at most 50,000",
            ConnectionsScenario.CheckLimits(60_000, openFileLimit: long.MaxValue));
    }

    [Fact]
    public void The_sizes_measured_on_the_way_are_100_1000_and_n()
    {
        Assert.Equal([100, 1_000, 2_000], ConnectionsScenario.Tiers(2_000));
        Assert.Equal([100, 300], ConnectionsScenario.Tiers(300));
        Assert.Equal([50], ConnectionsScenario.Tiers(50));
    }

    [Fact]
    public async Task A_connection_can_come_from_another_loopback_address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();
        using var wire = DeliveryWire.For("default", count: true);
        using var http = new HttpClient(wire.Handler(source: IPAddress.Parse("127.0.0.7"))) { Timeout = TimeSpan.FromSeconds(5) };

        var request = http.GetAsync($"http://127.0.0.1:{port}/");
        using var server = await accepted.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(IPAddress.Parse("127.0.0.7"), ((IPEndPoint)server.Client.RemoteEndPoint!).Address);
        server.Client.LingerState = new LingerOption(true, 0);
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => request);
    }

    [Fact]
    public async Task The_connector_refuses_anything_but_loopback()
    {
        using var wire = DeliveryWire.For("default");
        using var http = new HttpClient(wire.Handler()) { Timeout = TimeSpan.FromSeconds(5) };

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("http://192.0.2.1:80/"));
        Assert.Contains("loopback only", e.Message + e.InnerException?.Message, StringComparison.Ordinal);
    }
}
