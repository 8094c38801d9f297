// dotnet run --project examples/GrpcFeed -- 127.0.0.1:5070 127.0.0.1:5071   (publish port, gRPC port)
using System.Net;

var publishOn = IPEndPoint.Parse(args.Length > 0 ? args[0] : "127.0.0.1:5070");
var grpcOn = IPEndPoint.Parse(args.Length > 1 ? args[1] : "127.0.0.1:5071");
await using var feed = await GrpcFeed.FeedApp.StartAsync(publishOn, grpcOn);
Console.WriteLine($"grpc feed: publish {feed.PublishUrl}/publish, gRPC feed.v1.Feed/Watch at {feed.GrpcUrl}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;
