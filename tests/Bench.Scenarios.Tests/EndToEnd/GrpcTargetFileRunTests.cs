using System.Net;
using Bench.Harness;
using Bench.Harness.TargetFiles;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// Bench against a gRPC server it did not write (examples/GrpcFeed, its own .proto), through a target file only: the
/// method by its path, the request by field numbers, the event in one field of each response.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GrpcTargetFileRunTests : IAsyncLifetime, IDisposable
{
    private readonly RunHarness harness = new();
    private GrpcFeed.FeedApp? feed;

    public async Task InitializeAsync() =>
        feed = await GrpcFeed.FeedApp.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0));

    public async Task DisposeAsync() => await feed!.DisposeAsync();

    public void Dispose() => harness.Dispose();

    private string Write(int field)
    {
        var path = Path.Combine(harness.Directory, "grpc-feed.yaml");
        File.WriteAllText(path, $$$"""
            name: grpc-feed
            transport: grpc
            publish: { http: { url: "{{{feed!.PublishUrl}}}/publish", body: '{"topic":"{stream}","data":{event}}' } }
            subscribe:
              url: {{{feed.GrpcUrl}}}
              method: /feed.v1.Feed/Watch
              request: { 1: "{stream}" }
              field: {{{field}}}
            envelope: { json: $ }
            """);
        return path;
    }

    [Fact]
    public async Task Push_through_a_grpc_target_file_delivers_each_event_to_each_subscriber_of_an_independent_server_exactly_once()
    {
        var file = Write(field: 3);
        await TargetPreflight.CheckAsync(TargetFile.Load(file), CancellationToken.None);
        var plan = harness.Plan("push", p => p with { Transports = [new FileTransport(TargetFile.Load(file))], Subscribers = 3 });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);
        Assert.Equal("grpc-feed", r.Transport);
        Assert.True(r.Counts.Sent > 0);
        Assert.Equal(r.Counts.Sent * 3, r.Counts.Delivered);
        Assert.Equal((0L, 0L, 0L), (r.Counts.Lost, r.Counts.Duplicated, r.Counts.OutOfOrder));
        Assert.Equal(r.Counts.Delivered, r.LatencyUs.Count);
    }

    [Fact]
    public async Task A_response_field_that_does_not_hold_the_envelope_fails_the_preflight_naming_the_fields()
    {
        // Field 1 is Update.topic: a string, but not the event.
        var file = TargetFile.Load(Write(field: 1));

        var e = await Assert.ThrowsAsync<TargetFileException>(() => TargetPreflight.CheckAsync(file, CancellationToken.None));

        Assert.Contains("envelope.json", e.Message, StringComparison.Ordinal);
    }
}
