using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Hub;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using HubException = Microsoft.AspNetCore.SignalR.HubException;

namespace Bench.Targets.Tests.Hub;

/// <summary>One connection naming stream after stream must not make every publish, and the hub's memory, grow with it.</summary>
public sealed class StreamAmplificationTests
{
    [Fact]
    public async Task One_signalr_connection_cannot_subscribe_to_more_streams_than_its_limit()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.MaxStreamsPerConnection = 4);
        await using var client = new HubConnectionBuilder().WithUrl(hub.Url + "/signalr").Build();
        await client.StartAsync();

        var refused = 0;
        for (var i = 0; i < 50; i++)
        {
            try
            {
                await client.InvokeAsync("Subscribe", "amp" + i, null);
            }
            catch (HubException)
            {
                refused++;
            }
        }

        Assert.Equal(46, refused);
        Assert.Equal(4, hub.Services.GetRequiredService<HubBroadcaster>().Stats().Streams);
    }

    [Fact]
    public async Task Subscribing_again_to_a_stream_already_named_is_not_counted_twice()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.MaxStreamsPerConnection = 2);
        await using var client = new HubConnectionBuilder().WithUrl(hub.Url + "/signalr").Build();
        await client.StartAsync();

        for (var i = 0; i < 10; i++)
        {
            await client.InvokeAsync("Subscribe", "again" + (i % 2), null);
        }

        Assert.Equal(2, hub.Services.GetRequiredService<HubBroadcaster>().Stats().Streams);
    }

    [Fact]
    public async Task The_replay_buffers_of_all_streams_together_stay_within_their_budget()
    {
        const long budget = 64 * 1024;
        await using var hub = await TargetHost.StartHubAsync(o =>
        {
            o.MaxReplayBytes = budget;
            o.MaxStreamsPerConnection = 100;
        });
        await using var client = new HubConnectionBuilder().WithUrl(hub.Url + "/signalr").Build();
        await client.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await client.InvokeAsync("Subscribe", "budget" + i, null);
        }

        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        var payload = new byte[1024];
        for (var n = 1; n <= 200; n++)
        {
            broadcaster.Publish(new PublishedEvent(n, n, payload));
        }

        var stats = broadcaster.Stats();
        Assert.InRange(stats.ReplayBytes, 1, budget);
        Assert.True(stats.ReplayEvictedForSize > 0);
    }

    [Fact]
    public void Replayed_events_past_their_age_are_let_go_without_a_new_event_arriving()
    {
        var clock = new FakeTimeProvider();
        using var broadcaster = new HubBroadcaster(Options.Create(new HubOptions { ReplayBufferAge = TimeSpan.FromSeconds(60) }), clock);
        for (var i = 0; i < 3; i++)
        {
            var subscriber = new Subscriber("idle" + i, new NoWriter(), broadcaster.Limits);
            broadcaster.Detach(broadcaster.Attach(subscriber, null, takeOver: false)!, subscriber);
        }

        broadcaster.Publish(new PublishedEvent(1, 1, new byte[1000]));
        var held = broadcaster.Stats().ReplayBytes;

        clock.Advance(TimeSpan.FromSeconds(90));

        Assert.True(held > 0);
        Assert.Equal(0, broadcaster.Stats().ReplayBytes);
        Assert.Equal(0, broadcaster.ReplayBytesHeld);
    }

    [Fact]
    public void A_forgotten_stream_gives_its_replay_bytes_back_and_the_longest_idle_go_first()
    {
        var clock = new FakeTimeProvider();
        using var broadcaster = new HubBroadcaster(Options.Create(new HubOptions { MaxStreams = 3 }), clock);
        for (var i = 0; i < 6; i++)
        {
            var subscriber = new Subscriber("s" + i, new NoWriter(), broadcaster.Limits);
            broadcaster.Detach(broadcaster.Attach(subscriber, null, takeOver: false)!, subscriber);
            broadcaster.Publish(new PublishedEvent(i + 1, i + 1, new byte[100]));
        }

        Assert.Equal(["s3", "s4", "s5"], broadcaster.StreamAttachSeqs().Keys.Order());
        Assert.Equal(broadcaster.Stats().ReplayBytes, broadcaster.ReplayBytesHeld);
    }

    private sealed class NoWriter : IEventWriter
    {
        public ValueTask WriteAsync(PublishedEvent evt, string stream, long seq, CancellationToken ct) => ValueTask.CompletedTask;
    }
}
