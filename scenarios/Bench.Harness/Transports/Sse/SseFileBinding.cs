using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;

namespace Bench.Harness.Transports.Sse;

/// <summary>
/// <c>transport: sse</c> in a target file: an EventSource-like client of <c>subscribe.url</c>. The stream may be silent
/// as long as it likes (no keep-alive is asked of the user's server), and a reconnect sends <c>Last-Event-ID</c>.
/// </summary>
public sealed class SseFileBinding : StreamingFileBinding
{
    public override string Name => "sse";

    public override string FaultBehaviour =>
        "Bench's SSE client reconnects as EventSource does and sends Last-Event-ID; what the system does with it is the system's";

    public override SubscribeSpec Subscribe(SubscribeModel section, IReadOnlyDictionary<string, string> headers, TargetFileFields fields) =>
        new(fields.Url("subscribe.url", section.Url, "http", "https"), headers, null, null, [], null, null, null, null);

    public override async Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, SubscriberOptions options, CancellationToken ct) =>
        await SseSubscriber.ConnectAsync(new Uri(TemplateText.FillUrl(file.Subscribe.Url!, values)), file.Subscribe.Headers, name,
            options with { KeepAliveTimeout = TimeSpan.Zero, Resume = true }, ct).ConfigureAwait(false);

    public override string SubscribeFields(SubscribeSpec spec) => "subscribe.url";
}
