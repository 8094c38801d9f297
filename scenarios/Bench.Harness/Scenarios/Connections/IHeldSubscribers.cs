using Bench.Harness.Targets;

namespace Bench.Harness.Scenarios.Connections;

/// <summary>The subscribers of one transport in the connections scenario, grown in steps and held idle.</summary>
public interface IHeldSubscribers : IAsyncDisposable
{
    ITargetHandle Target { get; }

    /// <summary>The target's memory now (after a full collection), or null when it cannot be read (a target file's system).</summary>
    Task<Bench.Targets.Hosting.MemoryStats?> MemoryAsync(CancellationToken ct);

    /// <summary>Opens the publishing side: what makes this target emit events.</summary>
    Task<Clients.IEventPublisher> ConnectPublisherAsync(Clients.Payloads payloads, CancellationToken ct);

    int Count { get; }

    int SourceAddresses { get; }

    double OpeningSeconds { get; }

    /// <summary>The keep-alive interval of the idle subscribers (seconds); 0 when they keep none (webhook endpoints).</summary>
    double KeepAliveSeconds { get; }

    /// <summary>Whether <c>connectUs</c> is filled: the time to open each subscriber's connection.</summary>
    bool TimesConnects { get; }

    /// <summary>Opens subscribers until <paramref name="total"/> are held; returns how many failed to open.</summary>
    Task<int> GrowToAsync(int total, IReadOnlyList<string> streams, List<long> connectUs, CancellationToken ct);
}
