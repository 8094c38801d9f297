namespace Bench.Targets.Dispatcher;

/// <summary>
/// Where pending deliveries live between acceptance and a 2xx. Written before a delivery is attempted, cleared when it
/// succeeds or is given up, read back at start-up: with a durable outbox a killed dispatcher resumes its retries.
/// </summary>
public interface IOutbox : IDisposable
{
    /// <summary>True when what it holds survives a restart of the process.</summary>
    bool IsDurable { get; }

    void Add(IReadOnlyList<Delivery> deliveries);

    void Remove(long deliveryId);

    void SaveEndpoint(EndpointRecord endpoint);

    IReadOnlyList<EndpointRecord> LoadEndpoints();

    IReadOnlyList<Delivery> LoadPending();

    /// <summary>The highest delivery id stored, so new ids continue after a restart.</summary>
    long MaxId();
}

/// <summary>The <c>memory-outbox</c> variant: pending deliveries die with the process.</summary>
public sealed class MemoryOutbox : IOutbox
{
    private readonly object gate = new();
    private readonly Dictionary<long, Delivery> pending = [];
    private readonly Dictionary<string, EndpointRecord> endpoints = new(StringComparer.Ordinal);

    public bool IsDurable => false;

    public void Add(IReadOnlyList<Delivery> deliveries)
    {
        lock (gate)
        {
            foreach (var d in deliveries)
            {
                pending[d.Id] = d;
            }
        }
    }

    public void Remove(long deliveryId)
    {
        lock (gate)
        {
            pending.Remove(deliveryId);
        }
    }

    public void SaveEndpoint(EndpointRecord endpoint)
    {
        lock (gate)
        {
            endpoints[endpoint.Stream] = endpoint;
        }
    }

    public IReadOnlyList<EndpointRecord> LoadEndpoints() => [];

    public IReadOnlyList<Delivery> LoadPending() => [];

    public long MaxId() => 0;

    public void Dispose()
    {
    }
}
