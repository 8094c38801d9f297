using Bench.Engine.Timing;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Engine.Tests.Load;

/// <summary>A pacer for fake time: waiting for a timestamp moves the fake clock to it.</summary>
internal sealed class FakeClockPacer(FakeTimeProvider clock) : IPacer
{
    /// <summary>Called before each wait with the timestamp waited for.</summary>
    public Action<long>? BeforeWait { get; init; }

    public void WaitUntil(long timestamp, CancellationToken cancellationToken)
    {
        BeforeWait?.Invoke(timestamp);
        var now = clock.GetTimestamp();
        if (timestamp > now)
        {
            clock.Advance(TimeSpan.FromSeconds((timestamp - now) / (double)clock.TimestampFrequency));
        }
    }
}
