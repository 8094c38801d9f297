namespace Bench.Targets.Faults;

/// <summary>Which way a toxic applies: data going to the upstream (the server), or coming back from it.</summary>
[Flags]
public enum ToxicDirection
{
    Upstream = 1,
    Downstream = 2,
    Both = Upstream | Downstream,
}

/// <summary>
/// The faults a <see cref="FaultProxy"/> injects, in Toxiproxy's words. Changed at any time; every connection sees a
/// change on its next chunk of data.
/// </summary>
public sealed record Toxics
{
    /// <summary>No faults: bytes pass through as they come.</summary>
    public static readonly Toxics None = new();

    /// <summary><c>latency</c>: delay added to every chunk, in the directions given. The default is none.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary><c>latency</c> jitter: each chunk's delay is Latency ± up to this much (order is kept). The default is none.</summary>
    public TimeSpan Jitter { get; init; }

    public ToxicDirection LatencyDirection { get; init; } = ToxicDirection.Both;

    /// <summary><c>bandwidth</c>: the most KiB a second forwarded each way; 0 is unlimited. The default is 0.</summary>
    public double BandwidthKiBPerSec { get; init; }

    /// <summary>
    /// <c>timeout</c> (blackhole): nothing is forwarded and sockets stay open, a half-open connection as both ends see it.
    /// Data already sent is held by TCP, not dropped, and flows again when the toxic is removed. The default is off.
    /// </summary>
    public bool Blackhole { get; init; }
}
