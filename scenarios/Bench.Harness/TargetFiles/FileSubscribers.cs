using Bench.Harness.Clients;

namespace Bench.Harness.TargetFiles;

/// <summary>Opens one subscriber of a target file's system, by its transport.</summary>
internal static class FileSubscribers
{
    /// <summary>
    /// Connects a subscriber accounted as <paramref name="name"/> to the shared <paramref name="values"/>.Stream. The
    /// hub-style keep-alive is left to the user's server: WebSocket pings (which every RFC 6455 server answers) stay, an
    /// SSE stream may be silent as long as it likes.
    /// </summary>
    public static async Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, CancellationToken ct, Func<TimeSpan>? processing = null,
        DeliveryWire? wire = null)
    {
        wire = wire is null ? null : Counted(file, wire);
        var options = new SubscriberOptions { Envelope = file.Envelope, ProcessingTime = processing, Wire = wire };
        return await file.Transport.ConnectAsync(file, values, name, options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects as <see cref="ConnectAsync"/> does, for a run under way: a subscriber that cannot connect (refused, a
    /// redirect to a host the file does not name, an answer that is not the protocol) fails the run with one line naming
    /// the field (exit 4), not a stack trace.
    /// </summary>
    public static async Task<IStreamSubscriber> ConnectOrFailAsync(
        TargetFile file, TemplateValues values, string name, CancellationToken ct, Func<TimeSpan>? processing = null,
        DeliveryWire? wire = null)
    {
        try
        {
            return await ConnectAsync(file, values, name, ct, processing, wire).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException
            or System.Net.Sockets.SocketException or InvalidDataException)
        {
            var url = UrlText.ForMessage(TemplateText.FillUrl(file.Subscribe.Url!, values), file.SecretValues);
            var why = UrlText.Masked(e.Message.Split('\n')[0], file.SecretValues);
            throw new Targets.TargetFailedException($"{file.Path}: subscribe.url: subscriber {name} could not connect to {url}: {why}", e);
        }
    }

    /// <summary>
    /// The wire for a target file's subscribers: counted (the overhead scenario) when the run's wire counts, plain
    /// otherwise (a TLS URL is the user's TLS, which Bench's wire does not make); allowed to reach the file's hosts only.
    /// </summary>
    private static DeliveryWire? Counted(TargetFile file, DeliveryWire wire) =>
        wire.Meter is null || file.Subscribe.Url is { } url
            && (url.StartsWith("https", StringComparison.Ordinal) || url.StartsWith("wss", StringComparison.Ordinal))
            ? null
            : wire.WithHosts(file.Hosts);

    /// <summary>Why the subscriber's last message could not be read as an event, or null.</summary>
    public static string? LastUnreadable(IStreamSubscriber subscriber) => (subscriber as IUnreadableMessages)?.LastUnreadable;
}
