namespace Bench.Harness.Distributed;

/// <summary>What <c>bench agent</c> was asked for, as given; null values come from the pod's environment or defaults.</summary>
public sealed record AgentRequest(string Scenario)
{
    public string? Transport { get; init; }

    public int? Index { get; init; }

    public int? Agents { get; init; }

    public string? TargetUrl { get; init; }

    /// <summary>A target file whose system the agents share instead of a reference target (<see cref="AgentTargetFile"/>).</summary>
    public string? TargetFile { get; init; }

    /// <summary>The target file's <c>{stream}</c> every agent shares.</summary>
    public string? Stream { get; init; }

    public string? Token { get; init; }

    public int? TargetPid { get; init; }

    public string? RunId { get; init; }

    public string? Clock { get; init; }

    public string? StartAt { get; init; }

    public string? Out { get; init; }

    /// <summary>The profile's name. The default is <c>quick</c>.</summary>
    public string Profile { get; init; } = Plan.Profile.Quick.Name;

    public TimeSpan? Duration { get; init; }

    public TimeSpan? Warmup { get; init; }

    public TimeSpan? CostProbe { get; init; }

    public double? RatePerSec { get; init; }

    public int? Subscribers { get; init; }

    public int? PayloadBytes { get; init; }

    public int? ParentPid { get; init; }

    public TimeSpan? ReadyTimeout { get; init; }
}
