using Bench.Harness.Clients;
using Bench.Harness.Transports.Grpc;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Hub;
using Bench.Targets.Hub.Grpc;
using Bench.Targets.Hub.Grpc.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Scenarios.Tests.Transports;

/// <summary>The hub's gRPC service on a real Kestrel on loopback (its HTTP/2 port): framing, byte count, resume, the token.</summary>
public sealed class GrpcHubTests
{
    private const string Token = "grpc-test-token";

    private static Task<RunningTarget> StartHubAsync() =>
        TargetHost.StartHubAsync(o => o.Token = Token, listen: new TargetListen { GrpcPort = 0 });

    private static Metadata Bearer => new() { { "authorization", "Bearer " + Token } };

    [Fact]
    public async Task The_hub_reports_its_gRPC_port_apart_from_its_HTTP_URLs_and_serves_gRPC_there_only()
    {
        await using var hub = await StartHubAsync();

        Assert.NotNull(hub.GrpcUrl);
        Assert.DoesNotContain(hub.GrpcUrl, hub.Urls);
        Assert.NotEqual(new Uri(hub.Url).Port, new Uri(hub.GrpcUrl!).Port);

        using var channel = GrpcChannel.ForAddress(hub.GrpcUrl!);
        var ping = new EchoMessage { Body = Google.Protobuf.ByteString.CopyFromUtf8("ping") };
        var answer = await new Events.EventsClient(channel).EchoAsync(ping, Bearer);
        Assert.Equal("ping", answer.Body.ToStringUtf8());

        // The HTTP/1.1 port does not speak cleartext HTTP/2 (no prior knowledge there): gRPC fails on it.
        using var wrong = GrpcChannel.ForAddress(hub.Url);
        await Assert.ThrowsAsync<RpcException>(async () => await new Events.EventsClient(wrong).EchoAsync(new EchoMessage(), Bearer));
    }

    [Fact]
    public async Task A_call_without_the_token_is_refused_Unauthenticated_and_the_token_field_is_accepted_instead_of_metadata()
    {
        await using var hub = await StartHubAsync();
        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        using var channel = GrpcChannel.ForAddress(hub.GrpcUrl!);
        var client = new Events.EventsClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.EchoAsync(new EchoMessage()));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        using (var call = client.Subscribe(new SubscribeRequest { Stream = "a" }))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }

        using var allowed = client.Subscribe(new SubscribeRequest { Stream = "a", Token = Token });
        await allowed.ResponseHeadersAsync;
        Assert.Equal(1, broadcaster.SubscriberCount);
    }

    [Fact]
    public async Task An_event_is_one_HTTP_2_DATA_frame_holding_the_gRPC_message_whose_envelope_field_is_the_envelope()
    {
        await using var hub = await StartHubAsync();
        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        using var wire = DeliveryWire.For("default", count: true);

        // No client pings: only the event's bytes arrive between the two readings.
        using var channel = GrpcChannel.ForAddress(hub.GrpcUrl!, new GrpcChannelOptions
        {
            HttpHandler = GrpcSubscriber.Handler(new SubscriberOptions { Wire = wire, KeepAliveInterval = TimeSpan.Zero }),
        });
        using var call = new Events.EventsClient(channel).Subscribe(new SubscribeRequest { Stream = "s0" }, Bearer);
        await call.ResponseHeadersAsync;
        broadcaster.Publish(new PublishedEvent(1, 10, Payloads.Create(100)));
        Assert.True(await call.ResponseStream.MoveNext());
        var before = wire.Meter!.Read().Received;

        var evt = new PublishedEvent(2, 20, Payloads.Create(256));
        broadcaster.Publish(evt);
        Assert.True(await call.ResponseStream.MoveNext());
        var received = wire.Meter.Read().Received - before;

        var message = GrpcEventWriter.Message(evt, "s0", 2);
        Assert.Equal(EventEnvelope.ToArray(evt, "s0", 2), call.ResponseStream.Current.Envelope.ToByteArray());
        Assert.Equal(2, call.ResponseStream.Current.Seq);

        // RFC 9113 §4.1: a 9-byte frame header; gRPC's length-prefixed message: 1 byte compressed flag, 4 bytes length.
        // SocketsHttpHandler times its window tuning with PINGs of its own as data arrives: the hub's PING ACKs (a frame
        // header and 8 bytes of opaque data, §6.7) may come with the event, and nothing else may.
        var data = 9 + 5 + message.CalculateSize();
        Assert.True(received >= data, $"{received} bytes arrived, fewer than the event's DATA frame ({data})");
        Assert.Equal(0, (received - data) % (9 + 8));
        Assert.InRange((received - data) / (9 + 8), 0, 2);
    }

    [Fact]
    public async Task A_call_with_resume_after_seq_gets_what_was_published_while_it_was_away_and_one_without_gets_only_what_follows()
    {
        await using var hub = await StartHubAsync();
        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        using var channel = GrpcChannel.ForAddress(hub.GrpcUrl!);
        var client = new Events.EventsClient(channel);

        using (var first = client.Subscribe(new SubscribeRequest { Stream = "a" }, Bearer))
        {
            await first.ResponseHeadersAsync;
            Publish(broadcaster, 1, 3);
            Assert.Equal([1, 2, 3], await SeqsAsync(first, 3));
        }

        await SseHubTests.WaitForAsync(() => broadcaster.SubscriberCount == 0);
        Publish(broadcaster, 4, 2);

        using (var second = client.Subscribe(new SubscribeRequest { Stream = "a", ResumeAfterSeq = 3 }, Bearer))
        {
            Assert.Equal([4, 5], await SeqsAsync(second, 2));
        }

        await SseHubTests.WaitForAsync(() => broadcaster.SubscriberCount == 0);
        Publish(broadcaster, 6, 1);
        using (var third = client.Subscribe(new SubscribeRequest { Stream = "a" }, Bearer))
        {
            await third.ResponseHeadersAsync;
            Publish(broadcaster, 7, 1);
            Assert.Equal([7], await SeqsAsync(third, 1));
        }

        Assert.Equal(2, broadcaster.Stats().Replayed);
    }

    [Fact]
    public async Task A_second_call_on_a_held_stream_is_refused_unless_it_takes_over_and_the_first_then_ends_Aborted()
    {
        await using var hub = await StartHubAsync();
        using var channel = GrpcChannel.ForAddress(hub.GrpcUrl!);
        var client = new Events.EventsClient(channel);
        using var first = client.Subscribe(new SubscribeRequest { Stream = "a" }, Bearer);
        await first.ResponseHeadersAsync;

        using (var refused = client.Subscribe(new SubscribeRequest { Stream = "a" }, Bearer))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        }

        using var second = client.Subscribe(new SubscribeRequest { Stream = "a", Takeover = true }, Bearer);
        await second.ResponseHeadersAsync;
        var ended = await Assert.ThrowsAsync<RpcException>(() => first.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Aborted, ended.StatusCode);
    }

    private static void Publish(HubBroadcaster broadcaster, long first, int count)
    {
        for (var n = first; n < first + count; n++)
        {
            broadcaster.Publish(new PublishedEvent(n, n, Payloads.Create(16)));
        }
    }

    private static async Task<List<long>> SeqsAsync(AsyncServerStreamingCall<Event> call, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seqs = new List<long>();
        while (seqs.Count < count)
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the call ended early");
            var fields = EventEnvelope.Read(call.ResponseStream.Current.Envelope.Span);
            Assert.Equal(fields.Seq, call.ResponseStream.Current.Seq);
            seqs.Add(fields.Seq);
        }

        return seqs;
    }
}
