using System.Collections.Concurrent;
using Bench.Targets.Events;
using Bench.Targets.Publishing;

namespace Bench.Targets.Hub;

/// <summary>Fans each published event out to every connected subscriber.</summary>
public sealed class HubBroadcaster : IEventSink
{
    private readonly ConcurrentDictionary<Subscriber, byte> subscribers = new();
    private long published;

    public long Published => Interlocked.Read(ref published);

    public int SubscriberCount => subscribers.Count;

    /// <summary>Events dropped because a subscriber's queue was full, summed over subscribers ever connected.</summary>
    public long Dropped { get; private set; }

    public void Publish(PublishedEvent evt)
    {
        Interlocked.Increment(ref published);
        foreach (var subscriber in subscribers.Keys)
        {
            subscriber.Enqueue(evt);
        }
    }

    internal void Add(Subscriber subscriber) => subscribers.TryAdd(subscriber, 0);

    internal void Remove(Subscriber subscriber)
    {
        if (subscribers.TryRemove(subscriber, out _))
        {
            subscriber.Complete();
            Dropped += subscriber.Dropped;
        }
    }
}
