namespace Bench.Harness.TargetFiles.Publishers;

/// <summary><c>publish.websocket</c>: one kept WebSocket, one text message per event (<see cref="WebSocketEventPublisher"/>).</summary>
public sealed class WebSocketPublishKind : IPublishKind
{
    public string Name => "websocket";

    public bool IsGiven(PublishModel section) => section.WebSocket is not null;

    public IPublishSpec Read(PublishModel section, TargetFileFields fields)
    {
        var s = section.WebSocket!;
        var url = fields.Url("publish.websocket.url", s.Url, "ws", "wss");
        var headers = fields.Headers("publish.websocket.headers", s.Headers);
        var message = s.Message is null ? "{event}" : fields.Secrets("publish.websocket.message", s.Message);
        return new WebSocketPublish(url, headers, message);
    }
}

/// <summary>A validated <c>publish.websocket</c>: the URL, the headers sent on connect, the message template.</summary>
public sealed record WebSocketPublish(string Url, IReadOnlyDictionary<string, string> Headers, string Message) : IPublishSpec
{
    public string Field => "publish.websocket";

    public async Task<ITargetPublisher> ConnectAsync(PublishSetup setup, CancellationToken ct) =>
        await WebSocketEventPublisher.ConnectAsync(this, setup, ct).ConfigureAwait(false);
}
