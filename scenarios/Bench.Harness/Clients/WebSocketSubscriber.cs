using System.Globalization;
using System.Net.WebSockets;

namespace Bench.Harness.Clients;

/// <summary>
/// A WebSocket subscriber: of the hub's <c>/ws/subscribe</c>, or of a target file's URL (with its headers and a first
/// message to subscribe). The WebSocket protocol itself has no reconnection: this client reconnects with backoff as
/// applications do, and, with resume, asks the hub to replay what followed the last sequence number it received
/// (<c>resumeFrom</c>). A keep-alive ping left unanswered counts as a dead connection.
/// </summary>
public sealed class WebSocketSubscriber : ReconnectingSubscriber
{
    private readonly Func<long?, CancellationToken, Task<WebSocket>> open;
    private WebSocket socket;

    private WebSocketSubscriber(Func<long?, CancellationToken, Task<WebSocket>> open, string stream,
        SubscriberOptions options, WebSocket socket)
        : base(stream, options)
    {
        this.open = open;
        this.socket = socket;
    }

    /// <summary>A subscriber of the hub's stream <paramref name="stream"/>.</summary>
    public static Task<IStreamSubscriber> ConnectAsync(string hubUrl, string token, string stream,
        SubscriberOptions options, CancellationToken ct) =>
        ConnectAsync((resumeFrom, c) =>
        {
            // takeover=1: a subscriber coming back replaces its old connection, which the hub may not have seen go yet.
            var path = "/ws/subscribe?takeover=1&stream=" + Uri.EscapeDataString(stream)
                + (resumeFrom is { } r ? "&resumeFrom=" + r.ToString(CultureInfo.InvariantCulture) : "");
            var uri = WebSocketClients.ToWebSocketUri(hubUrl, path);
            var wire = options.Wire ?? DeliveryWire.Plain();
            return LeanWebSocket.Supports(uri, wire)
                ? LeanWebSocket.ConnectAsync(uri, new Dictionary<string, string> { ["Authorization"] = "Bearer " + token }, wire,
                    options.Source, options.KeepAliveInterval, options.KeepAliveTimeout, c)
                : Opened(WebSocketClients.ConnectAsync(uri, token, c, options.KeepAliveInterval, options.KeepAliveTimeout,
                    options.Wire, options.Source));
        }, stream, options, ct);

    private static async Task<WebSocket> Opened(Task<ClientWebSocket> opening) => await opening.ConfigureAwait(false);

    /// <summary>
    /// A subscriber of <paramref name="url"/> with <paramref name="headers"/>, sending <paramref name="firstMessage"/>
    /// (when given) after every connect, accounted as <paramref name="stream"/> (a target file's).
    /// </summary>
    public static Task<IStreamSubscriber> ConnectAsync(Uri url, IReadOnlyDictionary<string, string> headers, string? firstMessage,
        string stream, SubscriberOptions options, CancellationToken ct) =>
        ConnectAsync(async (_, c) =>
        {
            WebSocket socket = await WebSocketClients.ConnectAsync(url, null, c, options.KeepAliveInterval, options.KeepAliveTimeout,
                options.Wire, headers: headers).ConfigureAwait(false);
            if (firstMessage is not null)
            {
                await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(firstMessage), WebSocketMessageType.Text, true,
                    c).ConfigureAwait(false);
            }

            return socket;
        }, stream, options, ct);

    private static async Task<IStreamSubscriber> ConnectAsync(Func<long?, CancellationToken, Task<WebSocket>> open, string stream,
        SubscriberOptions options, CancellationToken ct) =>
        new WebSocketSubscriber(open, stream, options, await open(null, ct).ConfigureAwait(false));

    protected override async Task ReopenAsync(long? resumeFrom, CancellationToken ct) =>
        socket = await open(resumeFrom, ct).ConfigureAwait(false);

    protected override bool BorrowsBuffer => true;

    protected override ValueTask<bool> WaitForMessageAsync(CancellationToken ct) => WebSocketClients.WaitForMessageAsync(socket, ct);

    protected override ValueTask<int> ReceiveAsync(byte[] buffer, int limit, CancellationToken ct) =>
        WebSocketClients.ReceiveMessageAsync(socket, buffer.AsMemory(0, limit), ct);

    protected override void Abandon() => socket.Dispose();

    protected override async ValueTask CloseAsync() => await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
}
