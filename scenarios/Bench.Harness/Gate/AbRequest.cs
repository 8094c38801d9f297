namespace Bench.Harness.Gate;

/// <summary>What <c>bench ab</c> was asked for, as given (null: the default), as <see cref="AbGate"/> reads it.</summary>
public sealed record AbRequest
{
    public string? Base { get; init; }

    public string? Head { get; init; }

    public string? BaseTarget { get; init; }

    public string? HeadTarget { get; init; }

    public int? Launches { get; init; }

    public string? Out { get; init; }

    public string? Gate { get; init; }

    public IReadOnlyList<string>? HeadEnv { get; init; }

    public IReadOnlyList<string>? BaseEnv { get; init; }

    /// <summary>Adjust latencies for each launch's loopback probe (launches mode). The default is true.</summary>
    public bool Normalize { get; init; } = true;

    public int? Confirm { get; init; }

    public string? Transport { get; init; }

    /// <summary><c>interleaved</c> or <c>launches</c>. The default is interleaved.</summary>
    public string Mode { get; init; } = "interleaved";

    public int? Pairs { get; init; }

    public TimeSpan? Block { get; init; }

    public int? Seed { get; init; }
}
