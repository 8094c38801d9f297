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
    public async Task Apply_burns_then_waits_both_in_full()
    {
        var knobs = new InjectedDelay(TimeSpan.FromMicroseconds(300), TimeSpan.FromMicroseconds(400));
        var start = Stopwatch.GetTimestamp();
        await knobs.ApplyAsync();
        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMicroseconds(700));
    }

    [Fact]
    public async Task Many_waits_at_once_each_wait_at_least_as_long_as_asked_and_all_end()
    {
        var knobs = new InjectedDelay(TimeSpan.Zero, TimeSpan.FromMicroseconds(250));
        var waits = Enumerable.Range(0, 200).Select(async _ =>
        {
            var start = Stopwatch.GetTimestamp();
            await knobs.ApplyAsync();
            return Stopwatch.GetElapsedTime(start);
        }).ToList();

        var took = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(took, t => Assert.True(t >= TimeSpan.FromMicroseconds(250), $"{t.TotalMicroseconds} µs"));
    }
}
