using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;

namespace Bench.Harness.Transports.WebSocket;

/// <summary>
/// <c>transport: websocket</c> in a target file: a WebSocket client of <c>subscribe.url</c> that sends
/// <c>subscribe.message</c> once connected (and again after each reconnect).
/// </summary>
public sealed class WebSocketFileBinding : StreamingFileBinding
{
    public override string Name => "websocket";

    public override string FaultBehaviour =>
        "Bench's WebSocket client reconnects with backoff (100 ms doubling to 2 s) and sends subscribe.message again";

    /// <summary>WebSocket pings, which every RFC 6455 server answers, keep idle subscribers alive.</summary>
    public override bool PingsWhenIdle => true;

    public override SubscribeSpec Subscribe(SubscribeModel section, IReadOnlyDictionary<string, string> headers, TargetFileFields fields) =>
        new(fields.Url("subscribe.url", section.Url, "ws", "wss"), headers, section.Message, null, [], null, null, null, null);

    public override async Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, SubscriberOptions options, CancellationToken ct)
    {
        var s = file.Subscribe;
        var message = s.Message is null ? null : TemplateText.Fill(s.Message, values);
        return await WebSocketSubscriber.ConnectAsync(new Uri(TemplateText.FillUrl(s.Url!, values)), s.Headers, message, name, options, ct)
            .ConfigureAwait(false);
    }

    public override string SubscribeFields(SubscribeSpec spec) => "subscribe.url and subscribe.message";
}
