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
    /// How many recent <c>webhook-id</c>s (per endpoint path) are remembered to recognise a redelivery, which is answered
    /// 204 and counted but not processed again. Bounded, so memory is. The default is 100,000.
    /// </summary>
    public int DeduplicationWindow { get; set; } = 100_000;

    /// <summary>Test-only: CPU spent before each answer (the regression gate's slowdown knob). The default is none.</summary>
    public TimeSpan InjectDelay { get; set; }

    /// <summary>Time spent "processing" each new delivery before answering (the <c>slow</c> fault). The default is none.</summary>
    public TimeSpan ProcessingTime { get; set; }
}
