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

/// <summary>
/// The <c>memory-outbox</c> variant: pending deliveries die with the process. Endpoints are configuration, not queue:
/// given a file, they are kept there (as a production sender keeps them in its database whatever its queue is).
/// </summary>
public sealed class MemoryOutbox(string? endpointsFile = null) : IOutbox
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
            if (endpointsFile is not null)
            {
                File.WriteAllLines(endpointsFile, endpoints.Values.Select(e => string.Join('\t', e.Stream, e.Url, e.Secret)));
            }
        }
    }

    public IReadOnlyList<EndpointRecord> LoadEndpoints() => endpointsFile is null || !File.Exists(endpointsFile)
        ? []
        : [.. File.ReadAllLines(endpointsFile).Select(l => l.Split('\t')).Where(p => p.Length == 3).Select(p => new EndpointRecord(p[0], p[1], p[2]))];

    public IReadOnlyList<Delivery> LoadPending() => [];

    public long MaxId() => 0;

    public void Dispose()
    {
    }
}
