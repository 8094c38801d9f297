using Bench.Targets.Events;
using Bench.Targets.Hub;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Targets.Tests.Hub;

public class ReplayBufferTests
{
    private readonly FakeTimeProvider clock = new();

    private static PublishedEvent Event(long n) => new(n, n, "x"u8.ToArray());

    [Fact]
    public void A_resume_gets_every_event_after_its_last_sequence()
    {
        var buffer = new ReplayBuffer(100, long.MaxValue, TimeSpan.FromMinutes(1), clock);
        for (var seq = 1; seq <= 10; seq++)
        {
            buffer.Add(seq, Event(seq));
        }

        var (events, missed) = buffer.After(6, 10);

        Assert.Equal([7L, 8, 9, 10], events.Select(e => e.Seq));
        Assert.Equal(0, missed);
    }

    [Fact]
    public void Events_beyond_the_size_limit_are_gone_and_counted_as_missed()
    {
        var buffer = new ReplayBuffer(5, long.MaxValue, TimeSpan.FromMinutes(1), clock);
        for (var seq = 1; seq <= 10; seq++)
        {
            buffer.Add(seq, Event(seq));
        }

        var (events, missed) = buffer.After(2, 10);

        Assert.Equal([6L, 7, 8, 9, 10], events.Select(e => e.Seq));
        Assert.Equal(3, missed);
        Assert.Equal(5, buffer.Count);
    }

    [Fact]
    public void Events_older_than_the_age_limit_are_gone_and_counted_as_missed()
    {
        var buffer = new ReplayBuffer(100, long.MaxValue, TimeSpan.FromSeconds(10), clock);
        buffer.Add(1, Event(1));
        buffer.Add(2, Event(2));
        clock.Advance(TimeSpan.FromSeconds(11));
        buffer.Add(3, Event(3));

        var (events, missed) = buffer.After(0, 3);

        Assert.Equal([3L], events.Select(e => e.Seq));
        Assert.Equal(2, missed);
    }

    [Fact]
    public void Large_events_are_bounded_by_bytes_the_oldest_going_first_and_counted()
    {
        var buffer = new ReplayBuffer(10_000, 8L * 1024 * 1024, TimeSpan.FromMinutes(1), clock);
        var payload = new byte[64 * 1024];
        for (var seq = 1; seq <= 3000; seq++)
        {
            buffer.Add(seq, new PublishedEvent(seq, seq, payload));
        }

        var (events, missed) = buffer.After(0, 3000);

        Assert.InRange(buffer.Bytes, 0, 8L * 1024 * 1024);
        Assert.Equal(3000, events[^1].Seq);
        Assert.Equal(3000 - events.Count, missed);
        Assert.Equal(3000 - events.Count, buffer.EvictedForSize);
    }
}
