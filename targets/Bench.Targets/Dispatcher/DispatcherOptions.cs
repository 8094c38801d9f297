namespace Bench.Targets.Dispatcher;

/// <summary>Options of the webhook dispatcher (the sender).</summary>
public sealed class DispatcherOptions
{
    /// <summary>Bearer token required on <c>/publish</c> and <c>/subscriptions</c>; null accepts any caller. The default is null.</summary>
    public string? Token { get; set; }

    /// <summary>How long one delivery attempt may take before it counts as a timeout. The default is 10 seconds.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight to one endpoint at once; 1 keeps each endpoint's stream in order. The default is 1.</summary>
    public int MaxInFlightPerEndpoint { get; set; } = 1;

    /// <summary>Deliveries that may wait for one endpoint; beyond this they are dropped and counted. The default is 100,000.</summary>
    public int EndpointQueueCapacity { get; set; } = 100_000;

    /// <summary>
    /// Whether endpoints outside loopback may be registered. A benchmark dispatcher must never send load elsewhere by
    /// accident. The default is false.
    /// </summary>
    public bool AllowNonLoopbackEndpoints { get; set; }

    /// <summary>Largest publish frame accepted on <c>/publish</c>. The default is 1 MiB.</summary>
    public int MaxEventBytes { get; set; } = 1024 * 1024;
}
