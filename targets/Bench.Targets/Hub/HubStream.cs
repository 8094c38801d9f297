using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>
/// One named stream: its sequence numbers outlive any one connection, so a subscriber that reconnects sees the gap of
/// what it missed, and one that resumes gets it replayed from the buffer.
/// </summary>
internal sealed class HubStream(string name, ReplayBuffer buffer)
{
    private readonly object gate = new();
    private Subscriber? connection;
    private long nextSeq;
    private long missedWhileAway;
    private long replayed;
    private long replayMissed;
    private long undelivered;
    private long dropped;
    private readonly List<long> attachSeqs = [];

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
    public (long MissedWhileAway, long Undelivered, long Replayed, long ReplayMissed, long Dropped) Counters()
    {
        lock (gate)
        {
            return (missedWhileAway, undelivered, replayed, replayMissed, dropped + (connection?.Dropped ?? 0));
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

    /// <summary>Makes <paramref name="subscriber"/> this stream's connection, first replaying what followed <paramref name="resumeFrom"/>.</summary>
    public void Attach(Subscriber subscriber, long? resumeFrom, long now)
    {
        lock (gate)
        {
            connection?.Complete();
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
            undelivered += subscriber.Unsent + subscriber.FailedSends;
            dropped += subscriber.Dropped;
            LastActive = now;
        }
    }
}
