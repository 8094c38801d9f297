using System.Diagnostics;
using Bench.Targets.Hosting;

namespace Bench.Targets.Tests.Hosting;

/// <summary>The slowdown knobs: a wait is at least as long as asked even below a millisecond (where Thread.Sleep waits none).</summary>
public sealed class InjectedDelayTests
{
    [Fact]
    public void A_sub_millisecond_wait_waits_at_least_as_long_as_asked_each_time()
    {
        var wait = TimeSpan.FromMicroseconds(200);
        for (var i = 0; i < 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            InjectedDelay.Sleep(wait);
            Assert.True(Stopwatch.GetElapsedTime(start) >= wait, $"woke after {Stopwatch.GetElapsedTime(start).TotalMicroseconds} µs");
        }
    }

    [Fact]
    public void Apply_burns_then_waits_both_in_full()
    {
        var knobs = new InjectedDelay(TimeSpan.FromMicroseconds(300), TimeSpan.FromMicroseconds(400));
        var start = Stopwatch.GetTimestamp();
        knobs.Apply();
        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMicroseconds(700));
    }
}
