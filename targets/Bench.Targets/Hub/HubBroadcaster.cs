using System.Collections.Concurrent;
using Bench.Targets.Events;
using Bench.Targets.Publishing;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub;

/// <summary>
/// Fans each published event out to every stream, connected or not (a disconnected stream keeps counting). Streams are
/// created, attached, detached and forgotten under one registry lock; publishing takes none of it. With a
/// <see cref="ReplayLog"/>, each event is written to it before it is fanned out, and publishing and creating a stream
/// take one lock of their own, so that every stream's sequence number is the log's position less the stream's base.
/// </summary>
public sealed class HubBroadcaster : IEventSink, IDisposable
{
    private readonly HubOptions o;
    private readonly TimeProvider clock;
    private readonly ByteBudget queued;
    private readonly ByteBudget replay;
    private readonly ConcurrentDictionary<string, HubStream> streams = new(StringComparer.Ordinal);
    private readonly object registry = new();

    // Streams nobody is subscribed to, the longest idle first: forgetting one is O(1), not a sort of every stream.
    private readonly LinkedList<HubStream> idle = new();
    private readonly ITimer sweeper;
    private long published;
    private readonly ConnectionLimiter connections;
    private readonly ReplayLog? log;

    // Held, with a replay log only, while an event is written and fanned out and while a stream is created.
    private readonly object appending = new();

    public HubBroadcaster(IOptions<HubOptions> options, TimeProvider clock)
    {
        o = options.Value;
        this.clock = clock;
        queued = new(o.MaxQueuedBytes);
        replay = new(o.MaxReplayBytes);
        connections = new(o.MaxConnections);

        // Replayed events past their age go even when no new event arrives to push them out.
        var period = TimeSpan.FromTicks(Math.Clamp(o.ReplayBufferAge.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        if (o.ReplayLogPath is { } path)
        {
            log = new ReplayLog(path, o.ReplayBufferEvents, o.ReplayBufferBytes, o.ReplayBufferAge, clock);
            Restore(log);
        }

        sweeper = clock.CreateTimer(_ => ExpireReplays(), null, period, period);
    }

    /// <summary>Whether accepted events are written to a durable replay log before they are acknowledged.</summary>
    public bool Durable => log is not null;

    /// <summary>
    /// Makes again the streams the log recorded, each at its sequence number when the hub stopped, their buffers refilled
    /// from the log's events after their base; nobody is subscribed to them yet, so they are idle.
    /// </summary>
    private void Restore(ReplayLog replayLog)
    {
        var tail = replayLog.Tail();
        var last = replayLog.LastPosition;
        foreach (var (name, start) in replayLog.Streams())
        {
            var stream = new HubStream(name, NewBuffer(), last - start);
            foreach (var logged in tail.Where(e => e.Position > start))
            {
                stream.Restore(logged.Position - start, logged.Event, logged.Age);
            }

            streams[name] = stream;
            stream.IdleNode = idle.AddLast(stream);
        }

        ForgetIdleStreams();
    }

    public long Published => Interlocked.Read(ref published);

    /// <summary>Publishing connections (<c>/publish</c>) open; beyond the limit they are refused with 503.</summary>
    public ConnectionLimiter Publishers { get; } = new(PublishEndpoint.DefaultMaxConnections);

    /// <summary>Streams with a subscriber connected now.</summary>
    public int SubscriberCount => streams.Values.Count(s => s.IsConnected);

    public int Connections => connections.Open;

    public void Publish(PublishedEvent evt)
    {
        if (log is not null)
        {
            lock (appending)
            {
                // Written (committed) before any subscriber sees it, and before the publisher's acknowledgement.
                log.Append(evt);
                FanOut(evt);
            }

            return;
        }

        FanOut(evt);
    }

    private void FanOut(PublishedEvent evt)
    {
        Interlocked.Increment(ref published);
        // Enumerating the dictionary itself takes no lock and copies nothing (Values would copy every stream).
        foreach (var (_, stream) in streams)
        {
            stream.Publish(evt);
        }
    }

    /// <summary>Counts a connection (WebSocket, SSE or SignalR); false when the limit is reached (the caller refuses it).</summary>
    public bool TryOpenConnection() => connections.TryEnter();

    public void CloseConnection() => connections.Exit();

    /// <summary>What each new subscriber may queue: the per-subscriber limits and the hub-wide byte budget.</summary>
    internal SubscriberLimits Limits => new(o.SubscriberQueueCapacity, o.SubscriberQueueBytes, queued);

    /// <summary>Whether a subscriber may attach to <paramref name="name"/> now: nobody holds it, or it asks to take over.</summary>
    internal bool CanAttach(string name, bool takeOver) => !streams.TryGetValue(name, out var stream) || stream.CanAttach(takeOver);

    /// <summary>
    /// Attaches the subscriber to its stream; null when another
    /// connection holds the stream and it did not ask to take over.
    /// </summary>
    internal HubStream? Attach(Subscriber subscriber, long? resumeFrom, bool takeOver)
    {
        lock (registry)
        {
            var stream = GetOrAddStream(subscriber.Stream);
            if (!stream.Attach(subscriber, resumeFrom, takeOver, clock.GetTimestamp()))
            {
                return null;
            }

            if (stream.IdleNode is { } node)
            {
                idle.Remove(node);
                stream.IdleNode = null;
            }

            ForgetIdleStreams();
            return stream;
        }
    }

    /// <summary>The stream of that name, made when new (the registry lock is held).</summary>
    private HubStream GetOrAddStream(string name)
    {
        if (log is null)
        {
            return streams.GetOrAdd(name, n => new HubStream(n, NewBuffer()));
        }

        if (streams.TryGetValue(name, out var known))
        {
            return known;
        }

        // No event may be fanned out between the base read and the stream joining the fan-out.
        lock (appending)
        {
            log.AddStream(name);
            return streams.GetOrAdd(name, n => new HubStream(n, NewBuffer()));
        }
    }

    private ReplayBuffer NewBuffer() => new(o.ReplayBufferEvents, o.ReplayBufferBytes, o.ReplayBufferAge, clock, replay);

    internal void Detach(HubStream stream, Subscriber subscriber)
    {
        lock (registry)
        {
            stream.Detach(subscriber, clock.GetTimestamp());
            var known = streams.TryGetValue(stream.Name, out var current) && ReferenceEquals(current, stream);
            if (known && !stream.IsConnected && stream.IdleNode is null)
            {
                stream.IdleNode = idle.AddLast(stream);
            }

            ForgetIdleStreams();
        }
    }

    /// <summary>Bytes the replay buffers of all streams hold together (their shared budget).</summary>
    internal long ReplayBytesHeld => replay.Held;

    public HubStats Stats()
    {
        long away = 0, undelivered = 0, replayed = 0, replayMissed = 0, dropped = 0, takenOver = 0, evicted = 0, replayBytes = 0;
        foreach (var s in streams.Values)
        {
            var c = s.Counters();
            away += c.MissedWhileAway;
            undelivered += c.Undelivered;
            dropped += c.Dropped;
            replayed += c.Replayed;
            replayMissed += c.ReplayMissed;
            takenOver += c.TakenOver;
            evicted += c.ReplayEvictedForSize;
            replayBytes += c.ReplayBytes;
        }

        return new HubStats(Published, SubscriberCount, dropped, away, undelivered, replayed, replayMissed, Connections)
        {
            TakenOver = takenOver,
            ReplayEvictedForSize = evicted,
            ReplayBytes = replayBytes,
            QueuedBytes = queued.Held,
            Streams = streams.Count,
        };
    }

    /// <summary>Per stream, its sequence number at each attach (<c>/stats/streams</c>).</summary>
    public Dictionary<string, long[]> StreamAttachSeqs() =>
        streams.Values.ToDictionary(s => s.Name, s => s.AttachSeqs(), StringComparer.Ordinal);

    /// <summary>Past <see cref="HubOptions.MaxStreams"/>, forgets the longest-idle streams (the registry lock is held).</summary>
    private void ForgetIdleStreams()
    {
        while (streams.Count > o.MaxStreams && idle.First is { } oldest)
        {
            idle.RemoveFirst();
            oldest.Value.IdleNode = null;
            streams.TryRemove(oldest.Value.Name, out _);
            oldest.Value.Forget();
            log?.RemoveStream(oldest.Value.Name);
        }
    }

    private void ExpireReplays()
    {
        log?.Trim();
        foreach (var (_, stream) in streams)
        {
            stream.ExpireReplay();
        }
    }

    public void Dispose()
    {
        sweeper.Dispose();
        log?.Dispose();
    }
}

/// <summary>
/// The hub's counters at <c>/stats</c>: events published; streams connected; events dropped on full queues; events
/// published while a stream had no connection; events queued for, or being written to, a connection when it broke;
/// events replayed on resume; events a resume asked for that the buffer no longer held; connections open (WebSocket, SSE,
/// SignalR); subscribers replaced by a takeover; events the replay buffers pushed out for their byte limit; bytes held by
/// the replay buffers (an event shared by several streams counts in each) and by the subscriber queues; streams known.
/// </summary>
public sealed record HubStats(
    long Published, int Subscribers, long Dropped, long MissedWhileAway, long Undelivered, long Replayed, long ReplayMissed,
    int Connections)
{
    public long TakenOver { get; init; }

    public long ReplayEvictedForSize { get; init; }

    public long ReplayBytes { get; init; }

    public long QueuedBytes { get; init; }

    public int Streams { get; init; }
}
