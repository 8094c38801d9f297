using Bench.Harness.Transports.Sse;
using Bench.Harness.Transports.WebSocket;

namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>Opens a subscriber's reader of a feed by the file's transport (<see cref="ServerSourceSpec.Transports"/>).</summary>
internal static class FeedReaders
{
    public static Task<IFeedReader> ConnectAsync(TargetFile file, TemplateValues values, CancellationToken ct) => file.Transport switch
    {
        WebSocketFileBinding => WebSocketFeedReader.ConnectAsync(file, values, ct),
        SseFileBinding => SseFeedReader.ConnectAsync(file, values, ct),
        _ => throw new InvalidOperationException($"source: server has no reader for {file.Transport.Name}; the file's load refuses it"),
    };

    /// <summary>
    /// Connects as <see cref="ConnectAsync"/> does; a subscriber that cannot connect becomes <paramref name="fail"/>'s
    /// exception, one line naming <c>subscribe.url</c>.
    /// </summary>
    public static async Task<IFeedReader> ConnectOrFailAsync(
        TargetFile file, TemplateValues values, Func<string, Exception, Exception> fail, CancellationToken ct)
    {
        try
        {
            return await ConnectAsync(file, values, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException
            or System.Net.Sockets.SocketException or InvalidDataException)
        {
            var url = Clients.UrlText.ForMessage(TemplateText.FillUrl(file.Subscribe.Url!, values), file.SecretValues);
            var why = Clients.UrlText.Masked(e.Message.Split('\n')[0], file.SecretValues);
            throw fail($"{file.Path}: subscribe.url: could not connect to {url}: {why}", e);
        }
    }
}
