using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>
/// The last events of one stream, bounded by count, bytes and age, for subscribers that resume after a disconnect; when
/// full, the oldest go first (counted). Kept in memory, as SignalR's and Socket.IO's are: a hub restart loses it. Not
/// thread-safe; its stream locks.
/// </summary>
internal sealed class ReplayBuffer(int maxEvents, long maxBytes, TimeSpan maxAge, TimeProvider clock)
{
    private readonly Queue<(long Seq, PublishedEvent Event, long At)> events = new();
    private readonly long maxAgeTicks = (long)(maxAge.TotalSeconds * clock.TimestampFrequency);
    private long bytes;

    /// <summary>Events pushed out early because the buffer reached its byte limit.</summary>
    public long EvictedForSize { get; private set; }

    public long Bytes => bytes;

    public void Add(long seq, PublishedEvent evt)
    {
        var now = clock.GetTimestamp();
        events.Enqueue((seq, evt, now));
        bytes += ByteBudget.CostOf(evt);
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
        while (events.Count > 0)
        {
            var oldest = events.Peek();
            var tooBig = bytes > maxBytes;
            if (events.Count <= maxEvents && !tooBig && now - oldest.At <= maxAgeTicks)
            {
                break;
            }

            if (tooBig && events.Count <= maxEvents)
            {
                EvictedForSize++;
            }

            events.Dequeue();
            bytes -= ByteBudget.CostOf(oldest.Event);
        }
    }
}
