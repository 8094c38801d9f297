using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>
/// One named stream: its sequence numbers outlive any one connection, so a subscriber that reconnects sees the gap of
/// what it missed, and one that resumes gets it replayed from the buffer. A stream read back from the replay log after a
/// restart starts at <paramref name="lastSeq"/>, its sequence number when the hub stopped.
/// </summary>
internal sealed class HubStream(string name, ReplayBuffer buffer, long lastSeq = 0)
{
    private readonly object gate = new();
    private Subscriber? connection;
    private long nextSeq = lastSeq;
    private long missedWhileAway;
    private long replayed;
    private long replayMissed;
    private long undelivered;
    private long dropped;
    private long takenOver;
    private readonly List<long> attachSeqs = [];
    private bool forgotten;

    /// <summary>Its place among the streams nobody is subscribed to, oldest first (the hub's registry lock guards it).</summary>
    public LinkedListNode<HubStream>? IdleNode { get; set; }

    public string Name { get; } = name;

    public long LastActive { get; private set; }

    public bool IsConnected
    {
        get
        {
            lock (gate)
            {
                return connection is not null;
            }
        }
    }

    /// <summary>The stream's counters; <c>Dropped</c> includes the connected subscriber's, not only those of connections gone.</summary>
    public StreamCounters Counters()
    {
        lock (gate)
        {
            return new(missedWhileAway, undelivered, replayed, replayMissed, dropped + (connection?.Dropped ?? 0), takenOver,
                buffer.EvictedForSize, buffer.Bytes, connection?.QueuedBytes ?? 0);
        }
    }

    /// <summary>The stream's sequence number when each connection attached: the next one gets what follows.</summary>
    public long[] AttachSeqs()
    {
        lock (gate)
        {
            return [.. attachSeqs];
        }
    }

    public void Publish(PublishedEvent evt)
    {
        lock (gate)
        {
            if (forgotten)
            {
                return;
            }

            var seq = ++nextSeq;
            buffer.Add(seq, evt);
            if (connection is null)
            {
                missedWhileAway++;
            }
            else
            {
                connection.Enqueue(evt, seq);
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="subscriber"/> this stream's connection, first replaying what followed <paramref name="resumeFrom"/>.
    /// A stream has one subscriber: while one is connected, another is refused (false) unless it asks to take over, and
    /// then the one it replaces is told and counted, never silently starved.
    /// </summary>
    public bool Attach(Subscriber subscriber, long? resumeFrom, bool takeOver, long now)
    {
        lock (gate)
        {
            if (connection is { } current)
            {
                if (!takeOver)
                {
                    return false;
                }

                current.TakeOver();
                takenOver++;
            }
            if (resumeFrom is { } last && last <= nextSeq)
            {
                var (events, missed) = buffer.After(last, nextSeq);
                replayMissed += missed;
                foreach (var (seq, evt) in events)
                {
                    subscriber.Enqueue(evt, seq);
                    replayed++;
                }
            }

            connection = subscriber;
            LastActive = now;
            if (attachSeqs.Count < 1000)
            {
                attachSeqs.Add(nextSeq);
            }

            return true;
        }
    }

    /// <summary>Whether a subscriber could attach now (no one connected, or it takes over).</summary>
    public bool CanAttach(bool takeOver)
    {
        lock (gate)
        {
            return connection is null || takeOver;
        }
    }

    /// <summary>Keeps an event read back from the replay log, <paramref name="age"/> old, for a subscriber that resumes.</summary>
    public void Restore(long seq, PublishedEvent evt, TimeSpan age)
    {
        lock (gate)
        {
            buffer.Add(seq, evt, age);
        }
    }

    /// <summary>Lets go of replayed events past their age now, rather than when the next event arrives.</summary>
    public void ExpireReplay()
    {
        lock (gate)
        {
            buffer.Expire();
        }
    }

    /// <summary>The hub no longer knows this stream: its replay buffer's bytes go back, and nothing more is buffered.</summary>
    public void Forget()
    {
        lock (gate)
        {
            forgotten = true;
            buffer.Clear();
        }
    }

    public void Detach(Subscriber subscriber, long now)
    {
        lock (gate)
        {
            if (ReferenceEquals(connection, subscriber))
            {
                connection = null;
            }

            subscriber.Complete();
            undelivered += subscriber.DrainUnsent() + subscriber.FailedSends;
            dropped += subscriber.Dropped;
            LastActive = now;
        }
    }
}

/// <summary>
/// One stream's counters: events published while away, lost with a connection, replayed, asked for but gone, dropped on
/// a full queue; connections replaced by a takeover; events the replay buffer pushed out for its byte limit; bytes the
/// replay buffer and the connected subscriber's queue hold now.
/// </summary>
internal readonly record struct StreamCounters(
    long MissedWhileAway, long Undelivered, long Replayed, long ReplayMissed, long Dropped, long TakenOver,
    long ReplayEvictedForSize, long ReplayBytes, long QueuedBytes);
