using Bench.Targets.Faults;

namespace Bench.Harness.Scenarios.Faults;

/// <summary>
/// The fault proxy in front of a fault run's subscribers, as the harness drives it: where it listens, its toxics,
/// <c>reset_peer</c>, <c>down</c> and its counts. <see cref="ProcessFaultProxy"/> runs it as a process of its own, so
/// the sockets it holds (two a connection) count against its open-file limit, not the harness's.
/// </summary>
public interface IFaultProxy : IAsyncDisposable
{
    /// <summary>The loopback port subscriber <paramref name="subscriber"/> (0-based) connects to instead of the target's.</summary>
    int PortFor(int subscriber);

    Task SetToxicsAsync(Toxics toxics, CancellationToken ct);

    /// <summary><c>reset_peer</c>: every open connection closed with a TCP reset, both sides.</summary>
    Task ResetPeersAsync(CancellationToken ct);

    /// <summary>
    /// <c>down</c>: refuses new connections and resets open ones for <paramref name="duration"/>; completes when it
    /// listens again.
    /// </summary>
    Task DownAsync(TimeSpan duration, CancellationToken ct);

    Task<FaultProxyCounts> CountsAsync(CancellationToken ct);
}
