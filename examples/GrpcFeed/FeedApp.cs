using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Grpc.Core;
using GrpcFeed.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GrpcFeed;

/// <summary>
/// A small gRPC topic feed: <c>POST /publish</c> (HTTP/1.1, on its own port) takes <c>{"topic":"t","data":{...}}</c>
/// and sends <c>Update{topic, id, payload = data as JSON}</c> to every caller of <c>feed.v1.Feed/Watch</c> watching the
/// topic (cleartext HTTP/2 on a second port: gRPC without TLS needs a port that speaks only HTTP/2).
/// </summary>
public sealed class FeedApp : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ListenOptions publish;
    private readonly ListenOptions grpc;

    private FeedApp(WebApplication app, ListenOptions publish, ListenOptions grpc)
    {
        this.app = app;
        this.publish = publish;
        this.grpc = grpc;
    }

    /// <summary>The publish URL's origin, e.g. http://127.0.0.1:5070.</summary>
    public string PublishUrl => "http://" + publish.IPEndPoint;

    /// <summary>The gRPC server's address, e.g. http://127.0.0.1:5071.</summary>
    public string GrpcUrl => "http://" + grpc.IPEndPoint;

    public static async Task<FeedApp> StartAsync(IPEndPoint publishOn, IPEndPoint grpcOn)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? publish = null, grpc = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(publishOn, l => { l.Protocols = HttpProtocols.Http1; publish = l; });
            k.Listen(grpcOn, l => { l.Protocols = HttpProtocols.Http2; grpc = l; });
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<Topics>();
        var app = builder.Build();
        app.MapGrpcService<FeedService>();
        app.MapPost("/publish", async (HttpContext context, Topics topics) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            if (body?["topic"]?.GetValue<string>() is not { } topic)
            {
                return Results.BadRequest("topic is required");
            }

            topics.Publish(topic, body["data"]?.ToJsonString() ?? "null");
            return Results.Accepted();
        });
        await app.StartAsync();
        return new FeedApp(app, publish!, grpc!);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Each topic's watchers, and its count of updates.</summary>
public sealed class Topics
{
    private readonly ConcurrentDictionary<string, Topic> topics = new(StringComparer.Ordinal);

    public Topic Of(string name) => topics.GetOrAdd(name, _ => new Topic());

    public void Publish(string topic, string payload) => Of(topic).Publish(topic, payload);
}

public sealed class Topic
{
    private readonly ConcurrentDictionary<Channel<Update>, byte> watchers = new();
    private long lastId;

    public void Publish(string topic, string payload)
    {
        var update = new Update { Topic = topic, Id = Interlocked.Increment(ref lastId), Payload = payload };
        foreach (var watcher in watchers.Keys)
        {
            watcher.Writer.TryWrite(update);
        }
    }

    public Channel<Update> Watch()
    {
        var channel = Channel.CreateBounded<Update>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
        watchers.TryAdd(channel, 0);
        return channel;
    }

    public void Leave(Channel<Update> channel) => watchers.TryRemove(channel, out _);
}

public sealed class FeedService(Topics topics) : Feed.FeedBase
{
    public override async Task Watch(WatchRequest request, IServerStreamWriter<Update> responseStream, ServerCallContext context)
    {
        if (request.Topic.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "topic is required"));
        }

        var topic = topics.Of(request.Topic);
        var updates = topic.Watch();
        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(update);
            }
        }
        catch (OperationCanceledException)
        {
            // The watcher went away.
        }
        finally
        {
            topic.Leave(updates);
        }
    }
}
