using Bench.Harness.Clients;
using Bench.Harness.Transports.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Scenarios.Tests.Transports;

/// <summary>
/// SignalR restarts its retry count at every reconnection; Bench's schedule for it must not, or a hub that completes
/// the handshake and drops at once is retried at the first step forever.
/// </summary>
public sealed class SignalRBackoffTests
{
    private static readonly ReconnectPolicy Policy = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), 2, 0);

    [Fact]
    public void Reconnections_that_drop_at_once_keep_doubling_the_wait_up_to_the_cap()
    {
        var backoff = new SignalRBackoff(Policy, new DisconnectLog(), new StoppedClock());

        // Each reconnection succeeds and drops at once: every episode's first retry has a retry count of 0.
        var waits = Enumerable.Range(0, 7).Select(_ => backoff.NextRetryDelay(FirstRetry())!.Value.TotalMilliseconds).ToList();

        Assert.Equal([100, 200, 400, 800, 1600, 2000, 2000], waits);
    }

    [Fact]
    public void An_event_starts_the_schedule_again()
    {
        var backoff = new SignalRBackoff(Policy, new DisconnectLog(), new StoppedClock());
        backoff.NextRetryDelay(FirstRetry());
        backoff.NextRetryDelay(FirstRetry());

        backoff.Delivered();

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.NextRetryDelay(FirstRetry()));
    }

    private static RetryContext FirstRetry() =>
        new() { PreviousRetryCount = 0, ElapsedTime = TimeSpan.Zero, RetryReason = new IOException("dropped") };

    /// <summary>A clock that never moves: no connection ever lasts the healthy time.</summary>
    private sealed class StoppedClock : TimeProvider
    {
        public override long GetTimestamp() => 1;
    }
}
