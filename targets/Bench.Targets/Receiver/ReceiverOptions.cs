namespace Bench.Targets.Receiver;

/// <summary>Options of the webhook receiver.</summary>
public sealed class ReceiverOptions
{
    /// <summary>The endpoint's <c>whsec_</c> signing secret. Required.</summary>
    public string Secret { get; set; } = "";

    /// <summary>How far a <c>webhook-timestamp</c> may be from now, either way. The default is 5 minutes.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest body accepted; larger is refused with 413. The default is 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
