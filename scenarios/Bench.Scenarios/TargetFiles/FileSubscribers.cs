using Bench.Scenarios.Clients;
using Bench.Scenarios.Transports.Sse;

namespace Bench.Scenarios.TargetFiles;

/// <summary>Opens one subscriber of a target file's system, by its transport.</summary>
internal static class FileSubscribers
{
    /// <summary>
    /// Connects a subscriber accounted as <paramref name="name"/> to the shared <paramref name="values"/>.Stream. The
    /// hub-style keep-alive is left to the user's server: WebSocket pings (which every RFC 6455 server answers) stay, an
    /// SSE stream may be silent as long as it likes.
    /// </summary>
    public static async Task<IStreamSubscriber> ConnectAsync(TargetFile file, TemplateValues values, string name, CancellationToken ct, Func<TimeSpan>? processing = null, DeliveryWire? wire = null)
    {
        var s = file.Subscribe;
        wire = wire is null ? null : Counted(file, wire);
        switch (file.Transport)
        {
            case TargetKind.WebSocket:
                var message = s.Message is null ? null : TemplateText.Fill(s.Message, values);
                return await WebSocketSubscriber.ConnectAsync(new Uri(TemplateText.FillUrl(s.Url!, values)), s.Headers, message, name,
                    new SubscriberOptions { Envelope = file.Envelope, ProcessingTime = processing, Wire = wire }, ct).ConfigureAwait(false);
            case TargetKind.Sse:
                return await SseSubscriber.ConnectAsync(new Uri(TemplateText.FillUrl(s.Url!, values)), s.Headers, name,
                    new SubscriberOptions { Envelope = file.Envelope, KeepAliveTimeout = TimeSpan.Zero, Resume = true, ProcessingTime = processing, Wire = wire }, ct).ConfigureAwait(false);
            case TargetKind.SignalR:
                return await FileSignalRSubscriber.ConnectAsync(s, values, file.Envelope, name, ct, processing, wire).ConfigureAwait(false);
            default:
                throw new NotSupportedException($"{file.Transport} subscribers connect through Bench's receiver");
        }
    }

    /// <summary>
    /// The wire for a target file's subscribers: counted (the overhead scenario) when the run's wire counts, plain
    /// otherwise (a TLS URL is the user's TLS, which Bench's wire does not make); allowed to reach the file's hosts only.
    /// </summary>
    private static DeliveryWire? Counted(TargetFile file, DeliveryWire wire) =>
        wire.Meter is null || file.Subscribe.Url is { } url && (url.StartsWith("https", StringComparison.Ordinal) || url.StartsWith("wss", StringComparison.Ordinal))
            ? null
            : wire.WithHosts(file.Hosts);

    /// <summary>Why the subscriber's last message could not be read as an event, or null.</summary>
    public static string? LastUnreadable(IStreamSubscriber subscriber) => subscriber switch
    {
        ReconnectingSubscriber r => r.LastUnreadable,
        FileSignalRSubscriber f => f.LastUnreadable,
        _ => null,
    };
}
