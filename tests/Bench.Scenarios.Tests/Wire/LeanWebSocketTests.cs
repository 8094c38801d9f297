using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Bench.Harness.Clients;
using Bench.Targets.Hosting;

namespace Bench.Scenarios.Tests.Wire;

/// <summary>Bench's own WebSocket upgrade (RFC 6455 §4.1) in front of the runtime's WebSocket.</summary>
public sealed class LeanWebSocketTests
{
    [Fact]
    public void The_RFC_6455_sample_key_is_accepted_with_its_sample_answer_and_refused_with_another()
    {
        // RFC 6455 §1.3: key "dGhlIHNhbXBsZSBub25jZQ==" gives "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";
        LeanWebSocket.CheckResponse(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
            key);

        var wrong = Assert.Throws<WebSocketException>(() =>
            LeanWebSocket.CheckResponse(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA", key));
        Assert.Equal(WebSocketError.HeaderError, wrong.WebSocketErrorCode);

        var refused = Assert.Throws<WebSocketException>(
            () => LeanWebSocket.CheckResponse("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0", key));
        Assert.Equal(WebSocketError.NotAWebSocket, refused.WebSocketErrorCode);
        Assert.Contains("'401'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_with_a_line_break_is_refused_not_sent()
    {
        Assert.Throws<ArgumentException>(
            () => LeanWebSocket.Request(new Uri("ws://127.0.0.1:1/x"), "k", new Dictionary<string, string> { ["X"] = "a\r\nEvil: 1" }));
        var text = Encoding.ASCII.GetString(LeanWebSocket.Request(
            new Uri("ws://127.0.0.1:81/ws?stream=s1"), "k", new Dictionary<string, string> { ["Authorization"] = "Bearer t" }));
        Assert.StartsWith("GET /ws?stream=s1 HTTP/1.1\r\nHost: 127.0.0.1:81\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer t\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Against_the_hub_frames_cost_exactly_what_RFC_6455_says_and_the_upgrade_counts_as_handshake()
    {
        await using var hub = await TargetHost.StartHubAsync();
        using var wire = DeliveryWire.For("default", count: true);
        var uri = WebSocketClients.ToWebSocketUri(hub.Url, "/ws/echo");
        Assert.True(LeanWebSocket.Supports(uri, wire));
        using var socket = await LeanWebSocket.ConnectAsync(
            uri, new Dictionary<string, string>(), wire, null, TimeSpan.Zero, TimeSpan.Zero, CancellationToken.None);
        var afterUpgrade = wire.Meter!.Read();
        Assert.True(afterUpgrade.HandshakeSent > 0 && afterUpgrade.HandshakeReceived > 0);
        Assert.Equal((0, 0), (afterUpgrade.Sent, afterUpgrade.Received));

        var message = Encoding.ASCII.GetBytes(new string('x', 125));
        await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.True(await WebSocketClients.WaitForMessageAsync(socket, CancellationToken.None));
        Assert.Equal(125, await WebSocketClients.ReceiveMessageAsync(socket, new byte[1024], CancellationToken.None));
        var after = wire.Meter.Read() - afterUpgrade;
        Assert.Equal((2 + 4 + 125, 2 + 125), (after.Sent, after.Received));
    }

    [Fact]
    public async Task A_frame_sent_in_the_same_packet_as_the_101_is_the_first_message_not_lost_to_the_handshake_reader()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 4 || !head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
            {
                Assert.Equal(1, await stream.ReadAsync(one));
                head.Add(one[0]);
            }

            var key = Encoding.ASCII.GetString([.. head]).Split("\r\n")
                .First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.Ordinal))[18..].Trim();
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            var reply = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n");
            // One write: the 101 and an unmasked text frame "hi" (0x81, length 2).
            await stream.WriteAsync((byte[])[.. reply, 0x81, 2, (byte)'h', (byte)'i']);
            await Task.Delay(500);
        });

        using var wire = DeliveryWire.Plain();
        using var socket = await LeanWebSocket.ConnectAsync(
            new Uri($"ws://127.0.0.1:{port}/x"),
            new Dictionary<string, string>(),
            wire,
            null,
            TimeSpan.Zero,
            TimeSpan.Zero,
            CancellationToken.None);
        var buffer = new byte[16];
        var length = await WebSocketClients.ReceiveMessageAsync(socket, buffer, CancellationToken.None);
        Assert.Equal("hi", Encoding.ASCII.GetString(buffer, 0, length));
        await server;
    }
}

/// <summary>An agent's target named by host (a Kubernetes Service), not by loopback address.</summary>
public sealed class WireHostTests
{
    [Fact]
    public async Task A_host_name_is_refused_unless_allowed_and_then_connects()
    {
        // Dual-mode: whichever address "localhost" resolves to first (127.0.0.1 or ::1), the listener takes it.
        using var listener = new TcpListener(IPAddress.IPv6Any, 0);
        listener.Server.DualMode = true;
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var endpoint = new DnsEndPoint("localhost", port);

        using var plain = DeliveryWire.Plain();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            async () => await plain.OpenStreamAsync(endpoint, null, null, false, CancellationToken.None));
        Assert.Contains("loopback only", refused.Message, StringComparison.Ordinal);

        var allowed = plain.WithHosts(["localhost"]);
        var accepting = listener.AcceptTcpClientAsync();
        await using var stream = await allowed.OpenStreamAsync(endpoint, null, null, false, CancellationToken.None);
        using var accepted = await accepting;
        Assert.True(accepted.Connected);
    }
}
