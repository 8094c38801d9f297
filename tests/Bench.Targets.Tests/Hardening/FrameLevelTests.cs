using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Bench.Targets.Hosting;
using static Bench.Targets.Tests.Hardening.HostileClient;

namespace Bench.Targets.Tests.Hardening;

/// <summary>WebSocket frames as a hostile client writes them by hand: fragments, floods of pings, each bounded.</summary>
public sealed class FrameLevelTests
{
    [Fact]
    public async Task A_message_in_a_thousand_one_byte_fragments_is_echoed_whole_and_an_oversized_one_closes_1009()
    {
        await using var hub = await TargetHost.StartHubAsync(o =>
        {
            o.Token = Token;
            o.MaxMessageBytes = 4096;
        });
        using var socket = await UpgradeAsync(hub);
        for (var i = 0; i < 1000; i++)
        {
            // First fragment: text opcode; then continuations; FIN on the last.
            var opcode = i == 0 ? 0x1 : 0x0;
            await socket.SendAsync(Frame((byte)((i == 999 ? 0x80 : 0) | opcode), [(byte)('a' + (i % 26))]));
        }

        var echo = await ReadFrameAsync(socket);
        Assert.Equal(0x81, echo.Header);
        Assert.Equal(1000, echo.Payload.Length);

        // 5,000 bytes in 100-byte fragments, never finished: past the 4,096-byte limit the hub closes with 1009.
        for (var i = 0; i < 50; i++)
        {
            await socket.SendAsync(Frame((byte)(i == 0 ? 0x1 : 0x0), new byte[100]));
        }

        var close = await ReadFrameAsync(socket);
        Assert.Equal(0x88, close.Header);
        Assert.Equal((int)WebSocketCloseStatus.MessageTooBig, (close.Payload[0] << 8) | close.Payload[1]);
    }

    [Fact]
    public async Task A_flood_of_pings_gets_pongs_and_leaves_the_connection_and_the_hub_serving()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.Token = Token);
        using var socket = await UpgradeAsync(hub);
        var ping = Frame(0x89, new byte[125]);
        var flood = new byte[ping.Length * 5000];
        for (var i = 0; i < 5000; i++)
        {
            ping.CopyTo(flood, i * ping.Length);
        }

        // Read pongs while sending, so neither side's buffers fill.
        var reading = Task.Run(async () =>
        {
            var pongs = 0;
            while (pongs < 5000)
            {
                var frame = await ReadFrameAsync(socket);
                Assert.Equal(0x8A, frame.Header);
                pongs++;
            }

            return pongs;
        });
        await socket.SendAsync(flood);
        Assert.Equal(5000, await reading.WaitAsync(TimeSpan.FromSeconds(30)));

        await socket.SendAsync(Frame(0x81, "still here"u8.ToArray()));
        Assert.Equal("still here", Encoding.ASCII.GetString((await ReadFrameAsync(socket)).Payload));
        Assert.Equal(1, (await StatsAsync(hub, TargetsJson.Default.HubStats)).Connections);
    }

    private static async Task<Socket> UpgradeAsync(RunningTarget hub)
    {
        var socket = await ConnectAsync(hub);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + $"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {Token}\r\n\r\n"));
        var response = new StringBuilder();
        var one = new byte[1];
        while (!response.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await socket.ReceiveAsync(one));
            response.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", response.ToString(), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>A client frame: masked, as RFC 6455 requires of clients, with a payload of at most 65,535 bytes.</summary>
    private static byte[] Frame(byte header, byte[] payload)
    {
        var mask = new byte[] { 0x11, 0x22, 0x33, 0x44 };
        var lengthBytes = payload.Length < 126 ? 0 : 2;
        var frame = new byte[2 + lengthBytes + 4 + payload.Length];
        frame[0] = header;
        frame[1] = (byte)(0x80 | (payload.Length < 126 ? payload.Length : 126));
        if (lengthBytes == 2)
        {
            frame[2] = (byte)(payload.Length >> 8);
            frame[3] = (byte)payload.Length;
        }

        mask.CopyTo(frame, 2 + lengthBytes);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[2 + lengthBytes + 4 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }

    /// <summary>One server frame (unmasked), read exactly.</summary>
    private static async Task<(int Header, byte[] Payload)> ReadFrameAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var head = await ReadExactlyAsync(socket, 2, cts.Token);
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            var ext = await ReadExactlyAsync(socket, 2, cts.Token);
            length = (ext[0] << 8) | ext[1];
        }
        else if (length == 127)
        {
            var ext = await ReadExactlyAsync(socket, 8, cts.Token);
            length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(ext);
        }

        return (head[0], await ReadExactlyAsync(socket, (int)length, cts.Token));
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct);
            Assert.True(n > 0, "the hub closed the connection");
            read += n;
        }

        return buffer;
    }
}
