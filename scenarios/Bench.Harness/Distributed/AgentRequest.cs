namespace Bench.Harness.Distributed;

/// <summary>What <c>bench agent</c> was asked for, as given; null values come from the pod's environment or defaults.</summary>
public sealed record AgentRequest(string Scenario)
{
    /// <summary>Push: where the coordinator listens, HOST:PORT. The default is <c>$BENCH_COORDINATOR</c>.</summary>
    public string? Coordinator { get; init; }

    public int? Index { get; init; }

    public string? Token { get; init; }

    public int? ParentPid { get; init; }

    /// <summary>Connections only (push is told by its coordinator): the transport of the reference target.</summary>
    public string? Transport { get; init; }

    /// <summary>Connections only.</summary>
    public int? Agents { get; init; }

    /// <summary>Connections only.</summary>
    public string? TargetUrl { get; init; }

    /// <summary>Connections only.</summary>
    public int? TargetPid { get; init; }

    /// <summary>Connections only.</summary>
    public int? Subscribers { get; init; }

    /// <summary>Connections only.</summary>
    public TimeSpan? ReadyTimeout { get; init; }
}
