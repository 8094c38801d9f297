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
/// given a file, they are kept there (as a production sender keeps them in its database whatever its queue is), one
/// JSON object a line, each secret sealed, the file readable by its owner only.
/// </summary>
public sealed class MemoryOutbox(string? endpointsFile = null) : IOutbox
{
    private readonly SecretBox? box = endpointsFile is null ? null : SecretBox.ForStore(endpointsFile);
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
                // One line appended per registration (a later line for a stream replaces an earlier one when read back),
                // not the whole file rewritten: registering the 4,000th endpoint costs what the first did.
                PrivateFiles.AppendLine(endpointsFile, Line(endpoint));
            }
        }
    }

    /// <summary>
    /// The endpoints the file kept, the last line of each stream winning; a line that is not one (or whose secret this
    /// key did not seal) comes back with an empty secret, for the dispatcher to refuse. A file that has grown past twice
    /// its endpoints (streams registered again) is written back compacted.
    /// </summary>
    public IReadOnlyList<EndpointRecord> LoadEndpoints()
    {
        if (endpointsFile is null || !File.Exists(endpointsFile))
        {
            return [];
        }

        PrivateFiles.Restrict(endpointsFile);
        var latest = new Dictionary<string, (EndpointRecord Record, string Line)>(StringComparer.Ordinal);
        var broken = new List<string>();
        var lines = 0;
        foreach (var line in File.ReadLines(endpointsFile).Where(l => l.Length > 0))
        {
            lines++;
            EndpointRecord? record;
            try
            {
                record = System.Text.Json.JsonSerializer.Deserialize(line, TargetsJson.Default.EndpointRecord);
            }
            catch (System.Text.Json.JsonException)
            {
                record = null;
            }

            if (record is { Stream: not null, Url: not null, Secret: not null })
            {
                latest[record.Stream] = (record with { Secret = box!.Open(record.Secret) ?? "" }, line);
            }
            else
            {
                broken.Add(line);
            }
        }

        if (lines > 2 * (latest.Count + broken.Count))
        {
            PrivateFiles.WriteAllLines(endpointsFile, [.. latest.Values.Select(e => e.Line), .. broken]);
        }

        return [.. latest.Values.Select(e => e.Record), .. broken.Select(_ => new EndpointRecord("", "", ""))];
    }

    // JSON escapes whatever a field holds, so no value can start a line of its own.
    private string Line(EndpointRecord endpoint) =>
        System.Text.Json.JsonSerializer.Serialize(
            endpoint with { Secret = box!.Seal(endpoint.Secret) }, TargetsJson.Default.EndpointRecord);

    public IReadOnlyList<Delivery> LoadPending() => [];

    public long MaxId() => 0;

    public void Dispose()
    {
    }
}
