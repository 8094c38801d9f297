using System.Diagnostics;
using System.Net;
using Bench.Engine.Load;
using Bench.Harness.Clients;

namespace Bench.Scenarios.Tests.Clients;

/// <summary>The publisher against a target that completes every WebSocket upgrade and drops it at once.</summary>
public sealed class PublisherReconnectTests
{
    [Fact]
    public async Task A_target_that_accepts_and_drops_the_publisher_at_once_is_retried_no_faster_than_its_policy_allows()
    {
        await using var server = new HostileServer(IPAddress.Loopback, HostileServer.Upgrade);
        var window = TimeSpan.FromSeconds(3);

        var publisher = await Publisher.ConnectAsync(server.Url, "token", new Payloads(16), CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var (number, refused) = (0L, 0);
        while (watch.Elapsed < window)
        {
            try
            {
                await publisher.PublishAsync(++number, Stopwatch.GetTimestamp(), CancellationToken.None);
            }
            catch (IterationFailedException)
            {
                refused++;
            }

            await Task.Delay(5);
        }

        await publisher.DisposeAsync();
        var elapsed = watch.Elapsed;

        Assert.True(refused > 0, "the dropped connection refused publishes");
        Assert.InRange(server.Connections, 2, 1 + ReconnectingSubscriberTests.MostAttempts(Publisher.Backoff, elapsed));
    }
}
