using System.Net.WebSockets;

namespace Bench.Harness.Clients;

/// <summary>Opens client WebSockets to a target with its bearer token.</summary>
public static class WebSocketClients
{
    /// <summary>ws:// for http://, wss:// for https://, with the path appended.</summary>
    public static Uri ToWebSocketUri(string httpUrl, string pathAndQuery)
    {
        var b = new UriBuilder(httpUrl);
        b.Scheme = b.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        b.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        b.Query = q < 0 ? "" : pathAndQuery[(q + 1)..];
        return b.Uri;
    }

    /// <summary>
    /// Connects with a bearer token. With a keep-alive interval the client pings and, given a timeout, treats an
    /// unanswered ping as a dead connection (how a half-open connection is noticed); without one it only answers the
    /// hub's pings.
    /// </summary>
    /// <remarks>
    /// Given a <paramref name="wire"/>, the connection is opened by it (TLS with the run's pin, bytes counted with the
    /// upgrade as handshake, optionally from <paramref name="source"/>) and offers permessage-deflate when it compresses.
    /// </remarks>
    public static Task<ClientWebSocket> ConnectAsync(
        string httpUrl, string pathAndQuery, string? token, CancellationToken ct, TimeSpan keepAliveInterval = default,
        TimeSpan keepAliveTimeout = default,
        DeliveryWire? wire = null, System.Net.IPAddress? source = null) =>
        ConnectAsync(ToWebSocketUri(httpUrl, pathAndQuery), token, ct, keepAliveInterval, keepAliveTimeout, wire, source);

    /// <summary>The same, to a ws:// or wss:// URI as it is.</summary>
    public static async Task<ClientWebSocket> ConnectAsync(
        Uri uri, string? token, CancellationToken ct, TimeSpan keepAliveInterval = default, TimeSpan keepAliveTimeout = default,
        DeliveryWire? wire = null, System.Net.IPAddress? source = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var socket = new ClientWebSocket();
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            socket.Options.SetRequestHeader(name, value);
        }

        if (wire?.Compressed == true)
        {
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        socket.Options.KeepAliveInterval = keepAliveInterval;
        if (keepAliveInterval > TimeSpan.Zero && keepAliveTimeout > TimeSpan.Zero)
        {
            socket.Options.KeepAliveTimeout = keepAliveTimeout;
        }

        try
        {
            if (wire is null && source is null)
            {
                await socket.ConnectAsync(uri, ct).ConfigureAwait(false);
                return socket;
            }

            // One handler per connection: its connect callback sees exactly this connection, so the upgrade's bytes
            // can be told apart from the messages'. After the upgrade the connection belongs to the WebSocket.
            Bench.Targets.Wire.WireMeter.Connection? counter = null;
            using var invoker = new HttpMessageInvoker((wire ?? DeliveryWire.Plain()).Handler(source, c => counter = c,
                handshakeUntilTold: true));
            await socket.ConnectAsync(uri, invoker, ct).ConfigureAwait(false);
            counter?.HandshakeDone();
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads one whole message into <paramref name="buffer"/>; returns its length, or -1 on close.</summary>
    public static ValueTask<int> ReceiveMessageAsync(WebSocket socket, byte[] buffer, CancellationToken ct) =>
        ReceiveMessageAsync(socket, buffer.AsMemory(), ct);

    /// <summary>Reads one whole message into <paramref name="buffer"/> (at most its length); returns its length, or -1 on close.</summary>
    public static async ValueTask<int> ReceiveMessageAsync(WebSocket socket, Memory<byte> buffer, CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                throw new InvalidDataException($"a message exceeded the client's {buffer.Length}-byte buffer");
            }

            var result = await socket.ReceiveAsync(buffer[length..], ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return -1;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return length;
            }
        }
    }

    /// <summary>
    /// Waits until a message begins to arrive without holding a buffer (a zero-byte receive): an idle subscriber then
    /// costs no receive buffer. False when the peer closed instead.
    /// </summary>
    public static async ValueTask<bool> WaitForMessageAsync(WebSocket socket, CancellationToken ct)
    {
        var result = await socket.ReceiveAsync(Memory<byte>.Empty, ct).ConfigureAwait(false);
        return result.MessageType != WebSocketMessageType.Close;
    }

    /// <summary>Closes politely when the socket is still open; a failure to close is not a measurement error.</summary>
    public static async Task CloseQuietlyAsync(WebSocket socket)
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The run is over; the peer may be gone already.
            }
        }

        socket.Dispose();
    }
}
