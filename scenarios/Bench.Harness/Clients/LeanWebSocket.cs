using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Bench.Harness.Clients;

/// <summary>
/// A client WebSocket whose opening handshake (RFC 6455 §4.1) Bench writes itself over the wire's connection, then
/// hands to the runtime's own WebSocket (<see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>,
/// the same framing, masking, ping and close handling as <see cref="ClientWebSocket"/>).
/// </summary>
/// <remarks>
/// Why: a <see cref="ClientWebSocket"/> opened through <c>SocketsHttpHandler</c> keeps that handler's HTTP connection
/// under it for its whole life, with a 4 KiB read and a 4 KiB write buffer and a connection pool of its own: about
/// 9 KiB per subscriber of a harness that simulates thousands (docs/performance.md). Only subscribers of Bench's hub
/// without compression open this way; target files and compressed connections keep <see cref="ClientWebSocket"/>.
/// </remarks>
public static class LeanWebSocket
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int MaxResponseHead = 16 * 1024;

    /// <summary>Whether a connection to <paramref name="uri"/> over <paramref name="wire"/> can open this way.</summary>
    public static bool Supports(Uri uri, DeliveryWire wire) =>
        !wire.Compressed && (uri.Scheme == "wss") == wire.UsesTls && (uri.Scheme is "ws" or "wss");

    /// <summary>Opens the connection, upgrades it with <paramref name="headers"/>, and returns the client WebSocket.</summary>
    public static async Task<WebSocket> ConnectAsync(
        Uri uri, IReadOnlyDictionary<string, string> headers, DeliveryWire wire, IPAddress? source, TimeSpan keepAliveInterval,
        TimeSpan keepAliveTimeout, CancellationToken ct)
    {
        Bench.Targets.Wire.WireMeter.Connection? counter = null;
        var stream = await wire.OpenStreamAsync(new DnsEndPoint(uri.IdnHost, uri.Port), source, c => counter = c, handshakeUntilTold: true,
            ct).ConfigureAwait(false);
        try
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await stream.WriteAsync(Request(uri, key, headers), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            CheckResponse(await ReadHeadAsync(stream, ct).ConfigureAwait(false), key);
            counter?.HandshakeDone();
            return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
            {
                IsServer = false,
                KeepAliveInterval = keepAliveInterval,
                KeepAliveTimeout = keepAliveInterval > TimeSpan.Zero && keepAliveTimeout > TimeSpan.Zero
                    ? keepAliveTimeout : Timeout.InfiniteTimeSpan,
            });
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The upgrade request's bytes.</summary>
    public static byte[] Request(Uri uri, string key, IReadOnlyDictionary<string, string> headers)
    {
        var sb = new StringBuilder();
        sb.Append("GET ").Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture))
            .Append("\r\n");
        sb.Append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
        sb.Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            if (name.AsSpan().IndexOfAny("\r\n:") >= 0 || value.AsSpan().IndexOfAny("\r\n") >= 0)
            {
                throw new ArgumentException($"header '{name}' has a line break or colon in its name or value", nameof(headers));
            }

            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>
    /// Checks an upgrade response's head: 101, <c>Upgrade: websocket</c>, <c>Connection: Upgrade</c> and the accept
    /// value for <paramref name="key"/>; throws <see cref="WebSocketException"/> saying what was wrong, as
    /// <see cref="ClientWebSocket"/> does.
    /// </summary>
    public static void CheckResponse(string head, string key)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(status[1], NumberStyles.None,
            CultureInfo.InvariantCulture, out var code))
        {
            throw new WebSocketException(WebSocketError.HeaderError, $"the server's answer to the upgrade is not HTTP: '{lines[0]}'");
        }

        if (code != 101)
        {
            throw new WebSocketException(WebSocketError.NotAWebSocket, $"The server returned status code '{code}' when status " +
                $"code '101' was expected.");
        }

        string? Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name,
            StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        if (!string.Equals(Header("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase)
            || Header("Connection")?.Split(',').Any(t => t.Trim().Equals("upgrade", StringComparison.OrdinalIgnoreCase)) != true
            || Header("Sec-WebSocket-Accept") != expected)
        {
            throw new WebSocketException(WebSocketError.HeaderError, "the server's upgrade response lacks Upgrade: websocket, " +
                "Connection: Upgrade or the right Sec-WebSocket-Accept");
        }
    }

    /// <summary>
    /// Reads the response head up to its blank line, one byte at a time: the server may send frames right after it
    /// (a replay), and those belong to the WebSocket, not to this reader.
    /// </summary>
    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var head = System.Buffers.ArrayPool<byte>.Shared.Rent(MaxResponseHead);
        try
        {
            var length = 0;
            while (length < 4 || !head.AsSpan(length - 4, 4).SequenceEqual("\r\n\r\n"u8))
            {
                if (length == MaxResponseHead)
                {
                    throw new WebSocketException(WebSocketError.HeaderError, $"the server's upgrade response head exceeded " +
                        $"{MaxResponseHead} bytes");
                }

                if (await stream.ReadAsync(head.AsMemory(length, 1), ct).ConfigureAwait(false) == 0)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely,
                        "the server closed the connection during the upgrade");
                }

                length++;
            }

            return Encoding.ASCII.GetString(head, 0, length - 4);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(head);
        }
    }
}
