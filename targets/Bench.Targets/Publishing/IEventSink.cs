using Bench.Targets.Events;

namespace Bench.Targets.Publishing;

/// <summary>Where a target puts each published event: the hub broadcasts it, the dispatcher queues deliveries.</summary>
public interface IEventSink
{
    void Publish(PublishedEvent evt);
}
