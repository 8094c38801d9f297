using System.Net.WebSockets;
using System.Text;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;
using Bench.Harness.TargetFiles.ServerSource;

namespace Bench.Harness.Transports.WebSocket;

/// <summary>
/// A WebSocket subscriber of a feed Bench did not publish (<c>source: server</c>): connects to <c>subscribe.url</c>
/// with <c>subscribe.headers</c>, sends <c>subscribe.message</c> once, then reads each message whole.
/// </summary>
internal sealed class WebSocketFeedReader(ClientWebSocket socket) : IFeedReader
{
    /// <summary>Pings keep an idle feed's connection alive through middleboxes; every RFC 6455 server answers them.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task<IFeedReader> ConnectAsync(TargetFile file, TemplateValues values, CancellationToken ct)
    {
        var s = file.Subscribe;
        var socket = await WebSocketClients.ConnectAsync(new Uri(TemplateText.FillUrl(s.Url!, values)), null, ct, KeepAlive,
            headers: s.Headers).ConfigureAwait(false);
        try
        {
            if (s.Message is { } message)
            {
                var bytes = Encoding.UTF8.GetBytes(TemplateText.Fill(message, values));
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }

            return new WebSocketFeedReader(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask<int> ReadAsync(byte[] buffer, CancellationToken ct) => WebSocketClients.ReceiveMessageAsync(socket, buffer, ct);

    public async ValueTask DisposeAsync()
    {
        await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
        socket.Dispose();
    }
}
