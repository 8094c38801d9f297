namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// <c>publish.signalr</c>: one kept hub connection, one invocation of a hub method per event (<see cref="SignalREventPublisher"/>).
/// </summary>
public sealed class SignalRPublishKind : IPublishKind
{
    public string Name => "signalr";

    public bool IsGiven(PublishModel section) => section.SignalR is not null;

    public IPublishSpec Read(PublishModel section, TargetFileFields fields)
    {
        var s = section.SignalR!;
        var url = fields.Url("publish.signalr.url", s.Url, "http", "https");
        if (string.IsNullOrWhiteSpace(s.Method))
        {
            throw fields.Fail("publish.signalr.method",
                "required: the hub method a client invokes to publish (as in connection.InvokeAsync(\"SendMessage\", …))");
        }

        var args = (s.Args ?? ["{event}"]).Select((a, i) => fields.Secrets($"publish.signalr.args[{i}]", a ?? "")).ToList();
        return new SignalRPublish(url, fields.Headers("publish.signalr.headers", s.Headers), s.Method, args);
    }
}

/// <summary>A validated <c>publish.signalr</c>: the hub URL, the headers, the hub method and its argument templates.</summary>
public sealed record SignalRPublish(
    string Url, IReadOnlyDictionary<string, string> Headers, string Method, IReadOnlyList<string> Args) : IPublishSpec
{
    public string Field => "publish.signalr";

    public async Task<ITargetPublisher> ConnectAsync(PublishSetup setup, CancellationToken ct) =>
        await SignalREventPublisher.ConnectAsync(this, setup, ct).ConfigureAwait(false);
}
