using System.Net.WebSockets;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Hub;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Targets.Tests.Hub;

public class HubStatsTests
{
    [Fact]
    public async Task Events_dropped_for_a_subscriber_that_is_still_connected_are_counted()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.SubscriberQueueCapacity = 4);
        using var lazy = new ClientWebSocket();
        await lazy.ConnectAsync(new Uri("ws" + hub.Url[4..] + "/ws/subscribe?stream=lazy"), CancellationToken.None);
        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        for (var i = 0; i < 200 && broadcaster.SubscriberCount == 0; i++)
        {
            await Task.Delay(10);
        }

        // The subscriber never reads: once the socket buffers and the queue of 4 are full, events are dropped.
        var payload = new byte[16 * 1024];
        for (long n = 1; n <= 2_000; n++)
        {
            broadcaster.Publish(new PublishedEvent(n, n, payload));
        }

        var stats = broadcaster.Stats();
        Assert.Equal(1, stats.Subscribers);
        Assert.True(stats.Dropped > 0, "drops show while the subscriber is still connected");
    }
}
