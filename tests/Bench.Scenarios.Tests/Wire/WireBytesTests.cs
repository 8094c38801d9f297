using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Bench.Harness.Clients;
using Bench.Targets.Hosting;

namespace Bench.Scenarios.Tests.Wire;

/// <summary>The wire meter against exchanges whose exact size the protocols fix.</summary>
public sealed class WireBytesTests
{
    [Fact]
    public async Task A_125_byte_WebSocket_text_frame_costs_2_plus_4_plus_125_bytes_from_client_to_server()
    {
        await using var hub = await TargetHost.StartHubAsync();
        using var wire = DeliveryWire.For("default", count: true);
        using var socket = await WebSocketClients.ConnectAsync(hub.Url, "/ws/echo", null, CancellationToken.None, wire: wire);
        var afterUpgrade = wire.Meter!.Read();
        Assert.True(afterUpgrade.HandshakeSent > 0 && afterUpgrade.HandshakeReceived > 0, "the upgrade is counted as handshake");
        Assert.Equal((0, 0), (afterUpgrade.Sent, afterUpgrade.Received));

        await EchoAsync(socket, 125);
        var after125 = wire.Meter.Read() - afterUpgrade;

        // RFC 6455 §5.2: 2 header bytes (payload length ≤ 125 fits in 7 bits) + a 4-byte mask (client to server) + the payload;
        // the echo back is unmasked: 2 + 125.
        Assert.Equal(2 + 4 + 125, after125.Sent);
        Assert.Equal(2 + 125, after125.Received);

        // 126 bytes need the 16-bit extended length: 2 + 2 + 4 + 126.
        await EchoAsync(socket, 126);
        var after126 = wire.Meter.Read() - afterUpgrade - after125;
        Assert.Equal(2 + 2 + 4 + 126, after126.Sent);
        Assert.Equal(2 + 2 + 126, after126.Received);
        Assert.Equal(1, wire.Meter.Read().Connections);
    }

    private static async Task EchoAsync(ClientWebSocket socket, int size)
    {
        var message = Encoding.ASCII.GetBytes(new string('x', size));
        await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var length = await WebSocketClients.ReceiveMessageAsync(socket, buffer, CancellationToken.None);
        Assert.Equal(size, length);
    }

    [Fact]
    public async Task A_known_HTTP_request_costs_exactly_its_header_and_body_bytes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        const string response = "HTTP/1.1 204 No Content\r\n\r\n";
        var captured = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var received = new List<byte>();
            var buffer = new byte[4096];
            while (!Encoding.ASCII.GetString([.. received]).EndsWith("{\"a\":1}", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                received.AddRange(buffer.AsSpan(0, n));
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            await Task.Delay(200);
            return Encoding.ASCII.GetString([.. received]);
        });

        using var wire = DeliveryWire.For("default", count: true);
        using var http = new HttpClient(wire.Handler());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/sink")
        {
            Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        using var answer = await http.SendAsync(request);

        var expected = $"POST /sink HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{{\"a\":1}}";
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(expected, await captured);
        var totals = wire.Meter!.Read();
        Assert.Equal(Encoding.ASCII.GetByteCount(expected), totals.Sent);
        Assert.Equal(response.Length, totals.Received);
        Assert.Equal((0, 0, 1), (totals.HandshakeSent, totals.HandshakeReceived, totals.Connections));
    }
}
