namespace Bench.Harness.Serving;

/// <summary>What <c>bench proxy</c> was asked for: where to listen, where to forward, and its toxics (null: none).</summary>
public sealed record ProxyRequest(string Listen, string Upstream)
{
    public TimeSpan? Latency { get; init; }

    public TimeSpan? Jitter { get; init; }

    public double? BandwidthKiBPerSec { get; init; }

    public TimeSpan? TimeoutAfter { get; init; }

    public TimeSpan? TimeoutFor { get; init; }

    public TimeSpan? ResetPeerAfter { get; init; }

    public TimeSpan? DownAfter { get; init; }

    public TimeSpan? DownFor { get; init; }

    public bool AllowNonLoopbackListen { get; init; }

    public bool Control { get; init; }

    public int? ParentPid { get; init; }
}
