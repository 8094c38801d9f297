namespace Bench.Harness.Running;

/// <summary>
/// What <c>bench run</c> was asked for, as given (null: the profile's or scenario's default); <see cref="RunStart"/> makes the plan.
/// </summary>
public sealed record RunRequest
{
    public string[]? Scenarios { get; init; }

    /// <summary>The profile's name. The default is <c>quick</c>.</summary>
    public string Profile { get; init; } = Plan.Profile.Quick.Name;

    public string[]? Transports { get; init; }

    public string[]? Targets { get; init; }

    public string? Reference { get; init; }

    public string[]? Variants { get; init; }

    public string[]? Faults { get; init; }

    public string? Out { get; init; }

    public TimeSpan? Duration { get; init; }

    public TimeSpan? Warmup { get; init; }

    public TimeSpan? CostProbe { get; init; }

    public double? RatePerSec { get; init; }

    public int? Subscribers { get; init; }

    public int? PayloadBytes { get; init; }

    public int? Connections { get; init; }

    public TimeSpan? SloP99 { get; init; }

    public int? Repeat { get; init; }

    public string? SaveBaseline { get; init; }

    public string? Baseline { get; init; }

    public bool Normalize { get; init; }

    public int? Confirm { get; init; }

    public string? Gate { get; init; }

    public TimeSpan? ReadyTimeout { get; init; }

    public string? OtlpEndpoint { get; init; }

    public int? MetricsPort { get; init; }

    /// <summary>The address live metrics listen on: an IP address; beyond loopback every scrape needs a token.</summary>
    public string? MetricsBind { get; init; }

    public int? Agents { get; init; }

    /// <summary><c>--agents-listen ADDRESS:PORT</c>: wait for agents started elsewhere to connect here.</summary>
    public string? AgentsListen { get; init; }

    public TimeSpan? AgentsWait { get; init; }

    public bool Sequential { get; init; }

    public int? TargetLaunches { get; init; }

    /// <summary>Threshold expressions (<c>--threshold</c>), as given.</summary>
    public IReadOnlyList<string> Thresholds { get; init; } = [];

    /// <summary>The command line, as results.json records it. The default is <c>bench</c>.</summary>
    public string CommandLine { get; init; } = "bench";
}
