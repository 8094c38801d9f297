using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>
/// The last events of one stream, bounded by count and age, for subscribers that resume after a disconnect. Kept in
/// memory, as SignalR's and Socket.IO's are: a hub restart loses it. Not thread-safe; its stream locks.
/// </summary>
internal sealed class ReplayBuffer(int maxEvents, TimeSpan maxAge, TimeProvider clock)
{
    private readonly Queue<(long Seq, PublishedEvent Event, long At)> events = new();
    private readonly long maxAgeTicks = (long)(maxAge.TotalSeconds * clock.TimestampFrequency);

    public void Add(long seq, PublishedEvent evt)
    {
        var now = clock.GetTimestamp();
        events.Enqueue((seq, evt, now));
        Evict(now);
    }

    /// <summary>The buffered events after <paramref name="lastSeq"/>, and how many after it are no longer buffered.</summary>
    public (List<(long Seq, PublishedEvent Event)> Events, long Missed) After(long lastSeq, long currentSeq)
    {
        Evict(clock.GetTimestamp());
        var replay = events.Where(e => e.Seq > lastSeq).Select(e => (e.Seq, e.Event)).ToList();
        var firstAvailable = replay.Count > 0 ? replay[0].Seq : currentSeq + 1;
        return (replay, Math.Max(0, firstAvailable - (lastSeq + 1)));
    }

    public int Count => events.Count;

    private void Evict(long now)
    {
        while (events.Count > maxEvents || (events.Count > 0 && now - events.Peek().At > maxAgeTicks))
        {
            events.Dequeue();
        }
    }
}
