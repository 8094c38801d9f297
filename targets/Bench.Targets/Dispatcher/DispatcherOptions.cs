namespace Bench.Targets.Dispatcher;

/// <summary>Options of the webhook dispatcher (the sender).</summary>
public sealed class DispatcherOptions
{
    /// <summary>Bearer token required on <c>/publish</c> and <c>/subscriptions</c>; null accepts any caller. The default is null.</summary>
    public string? Token { get; set; }

    /// <summary>How long one delivery attempt may take before it counts as a timeout. The default is 10 seconds.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Deliveries in flight to one endpoint at once; 1 keeps each
    /// endpoint's stream in order until a retry. The default is 1.
    /// </summary>
    public int MaxInFlightPerEndpoint { get; set; } = 1;

    /// <summary>Deliveries that may wait for one endpoint; beyond this they are dropped and counted. The default is 100,000.</summary>
    public int EndpointQueueCapacity { get; set; } = 100_000;

    /// <summary>
    /// Whether endpoints outside loopback may be registered. A benchmark dispatcher must never send load elsewhere by
    /// accident. The default is false.
    /// </summary>
    public bool AllowNonLoopbackEndpoints { get; set; }

    /// <summary>Endpoints that may be registered; beyond this registration is refused with 429. The default is 50,000.</summary>
    public int MaxEndpoints { get; set; } = 50_000;

    /// <summary>
    /// Bytes the pending deliveries may hold (payload plus 256 a delivery); an event that would pass it is refused for
    /// every endpoint and counted (<c>refused</c> in <c>/stats</c>). The default is 256 MiB.
    /// </summary>
    public long MaxPendingBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Largest publish frame accepted on <c>/publish</c>. The default is 1 MiB.</summary>
    public int MaxEventBytes { get; set; } = 1024 * 1024;

    /// <summary>Delays before each retry; the default is the Standard Webhooks schedule (10 attempts over about 3 days).</summary>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; set; } = Dispatcher.RetrySchedule.StandardWebhooks;

    /// <summary>Multiplies every retry delay (and Retry-After), so 0.001 turns 5 minutes into 0.3 s. The default is 1.</summary>
    public double RetryTimeScale { get; set; } = 1;

    /// <summary>Each retry delay varies by up to this share either way. The default is 0.2.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>
    /// The durable outbox file (SQLite). Null keeps pending deliveries in memory only (the <c>memory-outbox</c>
    /// variant). The default is null; <c>bench serve</c> passes a file.
    /// </summary>
    public string? OutboxPath { get; set; }

    /// <summary>
    /// With an in-memory outbox, the file that keeps the registered
    /// endpoints across restarts. The default is null (none).
    /// </summary>
    public string? EndpointsPath { get; set; }

    /// <summary>
    /// Whether request bodies are sent gzip-compressed (<c>Content-Encoding:
    /// gzip</c>; signed uncompressed). The default is false.
    /// </summary>
    public bool GzipBodies { get; set; }

    /// <summary>
    /// Whether every delivery opens a new connection (<c>Connection: close</c>), as many webhook senders do; over
    /// HTTPS every delivery then pays a TLS handshake. The default is false (connections are pooled and kept alive).
    /// </summary>
    public bool NewConnectionPerDelivery { get; set; }

    /// <summary>
    /// For HTTPS endpoints: the SHA-256 pin of the one certificate to trust (a test receiver's self-signed one); null
    /// uses the machine's trust store. The default is null.
    /// </summary>
    public string? TrustedCertificatePin { get; set; }

    /// <summary>
    /// Test-only: CPU spent and a wait without CPU before each delivery attempt (the regression gate's slowdown knobs).
    /// The default is none.
    /// </summary>
    public Hosting.InjectedDelay InjectDelay { get; set; }

    /// <summary>Makes the HTTP handler deliveries go through; null is one pooled <see cref="SocketsHttpHandler"/>. For tests.</summary>
    public Func<HttpMessageHandler>? CreateHandler { get; set; }
}
