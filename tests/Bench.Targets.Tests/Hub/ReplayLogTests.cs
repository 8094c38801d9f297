using Bench.Targets.Events;
using Bench.Targets.Hub;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Targets.Tests.Hub;

/// <summary>
/// The hub's durable replay log: what a hub acknowledged is there after the process died without shutting down, its
/// streams' sequence numbers continue, a resume is replayed exactly, and the file stays bounded.
/// </summary>
public sealed class ReplayLogTests : IDisposable
{
    private readonly FakeTimeProvider clock = new();
    private readonly string dir = Directory.CreateTempSubdirectory("bench-replay-log-").FullName;

    private string LogPath => Path.Combine(dir, "replay.db");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static PublishedEvent Event(long n, int bytes = 1) => new(n, n * 10, new byte[bytes]);

    private HubBroadcaster Hub(int maxEvents = 10_000) => new(Options.Create(new HubOptions
    {
        ReplayLogPath = LogPath,
        ReplayBufferEvents = maxEvents,
    }), clock);

    /// <summary>Subscribes to <paramref name="stream"/> and leaves at once, so the stream exists from now on.</summary>
    private static void Touch(HubBroadcaster hub, string stream)
    {
        var subscriber = new Subscriber(stream, new Recorder(), hub.Limits);
        hub.Detach(hub.Attach(subscriber, null, takeOver: false)!, subscriber);
    }

    /// <summary>Resumes <paramref name="stream"/> after <paramref name="lastSeq"/>: the events replayed, as (number, seq).</summary>
    private static async Task<List<(long Number, long Seq)>> ResumeAsync(HubBroadcaster hub, string stream, long lastSeq)
    {
        var recorder = new Recorder();
        var subscriber = new Subscriber(stream, recorder, hub.Limits);
        var attached = hub.Attach(subscriber, lastSeq, takeOver: false)!;
        subscriber.Complete();
        await subscriber.SendLoopAsync(CancellationToken.None);
        hub.Detach(attached, subscriber);
        return recorder.Seen;
    }

    [Fact]
    public async Task After_a_hub_that_never_shut_down_sequences_continue_and_a_resume_replays_exactly_what_followed()
    {
        // The first hub is never disposed before the second opens its file: a SIGKILL closes nothing either.
        var crashed = Hub();
        Touch(crashed, "a");
        crashed.Publish(Event(1));
        crashed.Publish(Event(2));
        Touch(crashed, "b");
        for (var n = 3; n <= 5; n++)
        {
            crashed.Publish(Event(n));
        }

        using var restarted = Hub();
        restarted.Publish(Event(6));

        Assert.Equal([(4L, 4L), (5, 5), (6, 6)], await ResumeAsync(restarted, "a", lastSeq: 3));
        Assert.Equal([(4L, 2L), (5, 3), (6, 4)], await ResumeAsync(restarted, "b", lastSeq: 1));
        Assert.Equal(0, restarted.Stats().ReplayMissed);
        Assert.Equal(2, restarted.Stats().Streams);
        crashed.Dispose();
    }

    [Fact]
    public async Task A_stream_first_subscribed_after_a_restart_starts_at_1_and_a_known_one_resumes_from_0()
    {
        var crashed = Hub();
        Touch(crashed, "a");
        crashed.Publish(Event(1));

        using var restarted = Hub();
        Touch(restarted, "new");
        restarted.Publish(Event(2));

        Assert.Equal([(2L, 1L)], await ResumeAsync(restarted, "new", lastSeq: 0));
        Assert.Equal([(1L, 1L), (2, 2)], await ResumeAsync(restarted, "a", lastSeq: 0));
        crashed.Dispose();
    }

    [Fact]
    public async Task Events_trimmed_from_the_log_count_as_missed_on_resume_after_a_restart()
    {
        var crashed = Hub(maxEvents: 3);
        Touch(crashed, "a");
        for (var n = 1; n <= 10; n++)
        {
            crashed.Publish(Event(n));
        }

        using var restarted = Hub(maxEvents: 3);

        Assert.Equal([(8L, 8L), (9, 9), (10, 10)], await ResumeAsync(restarted, "a", lastSeq: 2));
        Assert.Equal(5, restarted.Stats().ReplayMissed);
        crashed.Dispose();
    }

    [Fact]
    public void The_log_keeps_at_most_its_event_limit_and_positions_continue_when_reopened()
    {
        using (var log = new ReplayLog(LogPath, 5, long.MaxValue, TimeSpan.FromMinutes(1), clock))
        {
            for (var n = 1; n <= 12; n++)
            {
                Assert.Equal(n, log.Append(Event(n)));
            }

            Assert.Equal(5, log.Count);
        }

        using var reopened = new ReplayLog(LogPath, 5, long.MaxValue, TimeSpan.FromMinutes(1), clock);
        Assert.Equal([8L, 9, 10, 11, 12], reopened.Tail().Select(e => e.Position));
        Assert.Equal([8L, 9, 10, 11, 12], reopened.Tail().Select(e => e.Event.Number));
        Assert.Equal(13, reopened.Append(Event(13)));
    }

    [Fact]
    public void The_log_keeps_at_most_its_byte_limit()
    {
        // Each event costs its 100 bytes plus 64: three fit in 500 bytes, a fourth does not.
        using var log = new ReplayLog(LogPath, 10_000, 500, TimeSpan.FromMinutes(1), clock);
        for (var n = 1; n <= 10; n++)
        {
            log.Append(Event(n, bytes: 100));
        }

        Assert.Equal([8L, 9, 10], log.Tail().Select(e => e.Position));
    }

    [Fact]
    public void Events_past_their_age_are_trimmed_without_a_new_one_and_the_next_position_still_follows_the_last()
    {
        using (var log = new ReplayLog(LogPath, 10_000, long.MaxValue, TimeSpan.FromSeconds(60), clock))
        {
            log.Append(Event(1));
            clock.Advance(TimeSpan.FromSeconds(30));
            log.Append(Event(2));
            clock.Advance(TimeSpan.FromSeconds(31));

            log.Trim();

            Assert.Equal([2L], log.Tail().Select(e => e.Position));
            Assert.Equal(TimeSpan.FromSeconds(31), log.Tail()[0].Age);
            clock.Advance(TimeSpan.FromSeconds(30));
            log.Trim();
            Assert.Equal(0, log.Count);
        }

        using var reopened = new ReplayLog(LogPath, 10_000, long.MaxValue, TimeSpan.FromSeconds(60), clock);
        Assert.Equal(2, reopened.LastPosition);
        Assert.Equal(3, reopened.Append(Event(3)));
    }

    [Fact]
    public void A_forgotten_stream_is_not_made_again_after_a_restart_and_a_hub_without_a_log_is_not_durable()
    {
        var crashed = new HubBroadcaster(Options.Create(new HubOptions { ReplayLogPath = LogPath, MaxStreams = 2 }), clock);
        Touch(crashed, "s1");
        Touch(crashed, "s2");
        Touch(crashed, "s3");
        using var restarted = Hub();
        using var inMemory = new HubBroadcaster(Options.Create(new HubOptions()), clock);

        Assert.Equal(["s2", "s3"], restarted.StreamAttachSeqs().Keys.Order());
        Assert.True(restarted.Durable);
        Assert.False(inMemory.Durable);
        crashed.Dispose();
    }

    private sealed class Recorder : IEventWriter
    {
        public List<(long Number, long Seq)> Seen { get; } = [];

        public ValueTask WriteAsync(PublishedEvent evt, string stream, long seq, CancellationToken ct)
        {
            Seen.Add((evt.Number, seq));
            return ValueTask.CompletedTask;
        }
    }
}
