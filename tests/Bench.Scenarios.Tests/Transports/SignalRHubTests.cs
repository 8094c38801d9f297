using System.Globalization;
using System.Text;
using Bench.Harness.Clients;
using Bench.Harness.Transports.SignalR;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Hub;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Scenarios.Tests.Transports;

/// <summary>The hub's SignalR endpoint on a real Kestrel on loopback, against the hub protocol's own arithmetic.</summary>
public sealed class SignalRHubTests
{
    [Fact]
    public async Task A_JSON_hub_message_costs_one_WebSocket_frame_of_the_message_and_its_record_separator()
    {
        var evt = new PublishedEvent(2, 123_456, Payloads.Create(64));
        var (received, _) = await OneEventAsync("default", evt);

        // SignalR's JSON protocol: an invocation {"type":1,"target":"event","arguments":[...]} ended by 0x1E, sent as one
        // unmasked text frame (RFC 6455: 2 header bytes below 126 payload bytes, 4 below 65,536).
        var json = "{\"type\":1,\"target\":\"event\",\"arguments\":[\"evt_2\",\"s0\","
            + $"1,{evt.IntendedTimestamp.ToString(CultureInfo.InvariantCulture)},\"{Encoding.ASCII.GetString(evt.Payload.Span)}\"]}}";
        var message = Encoding.UTF8.GetByteCount(json) + 1;
        Assert.Equal((message < 126 ? 2 : 4) + message, received);
    }

    [Fact]
    public async Task A_MessagePack_hub_message_costs_its_length_prefix_and_array_in_one_binary_frame()
    {
        var evt = new PublishedEvent(2, 123_456, Payloads.Create(64));
        var (received, _) = await OneEventAsync(SignalRConnections.MessagePack, evt);

        // MessagePack protocol: [1, {}, nil, "event", [args], []] with a VarInt length prefix. fixarray 1 + type 1 + fixmap 1 +
        // nil 1 + "event" (1 + 5) + args fixarray 1 + "evt_2" (1 + 5) + "s0" (1 + 2) + seq 1 (1) + ts 123,456 (uint32: 1 + 4)
        // + a 64-byte string (str8: 2 + 64) + empty stream ids 1.
        var body = 1 + 1 + 1 + 1 + (1 + 5) + 1 + (1 + 5) + (1 + 2) + 1 + (1 + 4) + (2 + 64) + 1;
        var message = (body < 128 ? 1 : 2) + body;
        Assert.Equal((message < 126 ? 2 : 4) + message, received);
    }

    [Fact]
    public async Task Echo_answers_an_invocation_with_the_payload()
    {
        await using var hub = await TargetHost.StartHubAsync();
        await using var connection = SignalRConnections.Build(hub.Url, "", new SubscriberOptions(), reconnect: null);
        await connection.StartAsync();
        var answer = await connection.InvokeAsync<string>("Echo", "evt_1", "rtt", 1L, 5L, "payload");
        Assert.Equal("payload", answer);
    }

    [Fact]
    public async Task A_second_Subscribe_to_a_held_stream_is_refused_and_TakeOver_tells_the_first_and_closes_it()
    {
        await using var hub = await TargetHost.StartHubAsync();
        await using var first = SignalRConnections.Build(hub.Url, "", new SubscriberOptions(), reconnect: null);
        await using var second = SignalRConnections.Build(hub.Url, "", new SubscriberOptions(), reconnect: null);
        var told = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.On<string>("takenOver", reason => told.TrySetResult(reason));
        first.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await first.StartAsync();
        await second.StartAsync();
        await first.InvokeAsync("Subscribe", "mine", (long?)null);

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(
            () => second.InvokeAsync("Subscribe", "mine", (long?)null));
        await second.InvokeAsync("TakeOver", "mine", (long?)0);

        Assert.Contains("has a subscriber", refused.Message, StringComparison.Ordinal);
        Assert.Contains("took this stream over", await told.Task.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, hub.Services.GetRequiredService<HubBroadcaster>().Stats().TakenOver);
    }

    [Fact]
    public async Task A_stream_name_that_could_break_a_line_is_refused()
    {
        await using var hub = await TargetHost.StartHubAsync();
        await using var connection = SignalRConnections.Build(hub.Url, "", new SubscriberOptions(), reconnect: null);
        await connection.StartAsync();

        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(
            () => connection.InvokeAsync("Subscribe", "a\nb", (long?)null));

        Assert.Contains("stream may hold only", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Subscribes one client on a counted wire, publishes one
    /// event, and returns the bytes it cost the client to receive.
    /// </summary>
    private static async Task<(long Received, EnvelopeFields Fields)> OneEventAsync(string variant, PublishedEvent evt)
    {
        await using var hub = await TargetHost.StartHubAsync();
        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        using var wire = DeliveryWire.For("default", count: true);
        await using var connection = SignalRConnections.Build(
            hub.Url, "", new SubscriberOptions { Wire = wire, Variant = variant }, reconnect: null);
        var arrived = new TaskCompletionSource<EnvelopeFields>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string, string, long, long, string>(
            "event", (id, stream, seq, ts, data) => arrived.TrySetResult(new EnvelopeFields(id, stream, seq, ts)));
        await connection.StartAsync();
        await connection.InvokeAsync("Subscribe", "s0", (long?)null);
        await SseHubTests.WaitForAsync(() => broadcaster.SubscriberCount == 1);

        // The invocation's completion may still be on its way: let the wire settle before counting.
        await Task.Delay(200);
        var before = wire.Meter!.Read().Received;
        broadcaster.Publish(evt);
        var fields = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);
        Assert.Equal(("evt_2", "s0", 1L), (fields.Id, fields.Stream, fields.Seq));
        return (wire.Meter.Read().Received - before, fields);
    }
}
