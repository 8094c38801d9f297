namespace Bench.Harness.TargetFiles.Publishers;

/// <summary><c>publish.http</c>: one HTTP request per event (<see cref="HttpEventPublisher"/>).</summary>
public sealed class HttpPublishKind : IPublishKind
{
    public string Name => "http";

    public bool IsGiven(PublishModel section) => section.Http is not null;

    public IPublishSpec Read(PublishModel section, TargetFileFields fields) =>
        new HttpPublish(fields.Http("publish.http", section.Http, bodyDefault: "{event}"));
}

/// <summary>A validated <c>publish.http</c>: the request template.</summary>
public sealed record HttpPublish(HttpTemplate Request) : IPublishSpec
{
    public string Field => "publish.http";

    public string Url => Request.Url;

    public Task<ITargetPublisher> ConnectAsync(PublishSetup setup, CancellationToken ct) =>
        Task.FromResult<ITargetPublisher>(new HttpEventPublisher(Request, setup.Stream, setup.Payloads, setup.Clock, setup.Target,
            setup.Hosts));
}
