namespace Bench.Targets.Receiver;

/// <summary>Options of the webhook receiver.</summary>
public sealed class ReceiverOptions
{
    /// <summary>
    /// Bearer token required on the receiver's control routes (<c>/stats</c>, <c>/memory</c>, <c>/sink</c>); deliveries
    /// are signed instead. Null leaves them open. The default is null.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>The endpoint's <c>whsec_</c> signing secret. Required.</summary>
    public string Secret { get; set; } = "";

    /// <summary>How far a <c>webhook-timestamp</c> may be from now, either way. The default is 5 minutes.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest body accepted; larger is refused with 413. The default is 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most a <c>Content-Encoding: gzip</c> body may inflate to; beyond it the delivery is refused with 413 and
    /// inflating stops (the zip-bomb limit). The default is 1 MiB.
    /// </summary>
    public int MaxDecompressedBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes that may hold the <c>webhook-id</c>s remembered to recognise a redelivery (answered 204 and counted, not
    /// processed again), whatever path it comes to. An id is kept until its signed timestamp is older than
    /// <see cref="TimestampTolerance"/>, so no replay inside the tolerance gets through; when full, a new delivery is
    /// refused with 503 and Retry-After. 96 bytes an id: 10,000 deliveries a second over 5 minutes take 275 MiB. The
    /// default is 512 MiB.
    /// </summary>
    public long DeduplicationBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Test-only: CPU spent and a wait without CPU before each answer (the regression gate's slowdown knobs). The
    /// default is none.
    /// </summary>
    public Hosting.InjectedDelay InjectDelay { get; set; }

    /// <summary>Time spent "processing" each new delivery before answering (the <c>slow</c> fault). The default is none.</summary>
    public TimeSpan ProcessingTime { get; set; }
}
