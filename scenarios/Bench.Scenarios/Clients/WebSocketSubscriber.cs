using System.Globalization;
using System.Net.WebSockets;

namespace Bench.Scenarios.Clients;

/// <summary>
/// A subscriber of the hub's <c>/ws/subscribe</c>. The WebSocket protocol itself has no reconnection: this client
/// reconnects with backoff as applications do, and, with resume, asks the hub to replay what followed the last sequence
/// number it received (<c>resumeFrom</c>). A keep-alive ping left unanswered counts as a dead connection.
/// </summary>
public sealed class WebSocketSubscriber : ReconnectingSubscriber
{
    private readonly string hubUrl;
    private readonly string token;
    private ClientWebSocket socket;

    private WebSocketSubscriber(string hubUrl, string token, string stream, SubscriberOptions options, ClientWebSocket socket)
        : base(stream, options)
    {
        this.hubUrl = hubUrl;
        this.token = token;
        this.socket = socket;
    }

    public static async Task<IStreamSubscriber> ConnectAsync(string hubUrl, string token, string stream, SubscriberOptions options, CancellationToken ct)
    {
        var socket = await OpenAsync(hubUrl, token, stream, null, options, ct).ConfigureAwait(false);
        return new WebSocketSubscriber(hubUrl, token, stream, options, socket);
    }

    private static async Task<ClientWebSocket> OpenAsync(string hubUrl, string token, string stream, long? resumeFrom, SubscriberOptions options, CancellationToken ct)
    {
        var path = "/ws/subscribe?stream=" + Uri.EscapeDataString(stream)
            + (resumeFrom is { } r ? "&resumeFrom=" + r.ToString(CultureInfo.InvariantCulture) : "");
        return await WebSocketClients.ConnectAsync(hubUrl, path, token, ct, options.KeepAliveInterval, options.KeepAliveTimeout, options.Wire, options.Source).ConfigureAwait(false);
    }

    protected override async Task ReopenAsync(long? resumeFrom, CancellationToken ct) =>
        socket = await OpenAsync(hubUrl, token, Stream, resumeFrom, Options, ct).ConfigureAwait(false);

    protected override ValueTask<int> ReceiveAsync(byte[] buffer, CancellationToken ct) => WebSocketClients.ReceiveMessageAsync(socket, buffer, ct);

    protected override void Abandon() => socket.Dispose();

    protected override async ValueTask CloseAsync() => await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
}
