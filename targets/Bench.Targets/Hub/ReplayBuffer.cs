using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>
/// The last events of one stream, bounded by count, bytes and age, for subscribers that resume after a disconnect; when
/// full, the oldest go first (counted). Its bytes also come from a budget every stream shares: when that is spent, this
/// stream's oldest go to make room, and with none left the event is not kept (a resume sees it missed). Kept in memory,
/// as SignalR's and Socket.IO's are: a hub restart loses it, unless the hub keeps a <see cref="ReplayLog"/> to refill it
/// from. Not thread-safe; its stream locks.
/// </summary>
internal sealed class ReplayBuffer(int maxEvents, long maxBytes, TimeSpan maxAge, TimeProvider clock, ByteBudget? shared = null)
{
    private readonly Queue<(long Seq, PublishedEvent Event, long At)> events = new();
    private readonly long maxAgeTicks = (long)(maxAge.TotalSeconds * clock.TimestampFrequency);
    private long bytes;

    /// <summary>Events pushed out early because the buffer reached its byte limit.</summary>
    public long EvictedForSize { get; private set; }

    public long Bytes => bytes;

    public void Add(long seq, PublishedEvent evt) => Add(seq, evt, TimeSpan.Zero);

    /// <summary>Keeps an event that arrived <paramref name="age"/> ago (one read back from the replay log after a restart).</summary>
    public void Add(long seq, PublishedEvent evt, TimeSpan age)
    {
        var now = clock.GetTimestamp();
        var at = now - (long)(age.TotalSeconds * clock.TimestampFrequency);
        var cost = ByteBudget.CostOf(evt);
        while (shared is not null && !shared.TryTake(cost))
        {
            EvictedForSize++;
            if (events.Count == 0)
            {
                return;
            }

            DropOldest();
        }

        events.Enqueue((seq, evt, at));
        bytes += cost;
        Evict(now);
    }

    /// <summary>Lets go of events older than the age limit without waiting for the next event to arrive.</summary>
    public void Expire() => Evict(clock.GetTimestamp());

    /// <summary>Lets go of every event (the stream is forgotten), giving their bytes back to the shared budget.</summary>
    public void Clear()
    {
        while (events.Count > 0)
        {
            DropOldest();
        }
    }

    private void DropOldest()
    {
        var oldest = events.Dequeue();
        var cost = ByteBudget.CostOf(oldest.Event);
        bytes -= cost;
        shared?.Return(cost);
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

            DropOldest();
        }
    }
}
