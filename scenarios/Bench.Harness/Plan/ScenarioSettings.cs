namespace Bench.Harness.Plan;

/// <summary>The load one scenario runs under, the same for every transport.</summary>
public sealed record ScenarioSettings
{
    /// <summary>Requests (rtt) or published events (push) a second.</summary>
    public required double RatePerSec { get; init; }

    /// <summary>Subscribers each event is delivered to (push); 1 for rtt.</summary>
    public required int Subscribers { get; init; }

    /// <summary>Bytes of the event's <c>data</c> field.</summary>
    public required int PayloadBytes { get; init; }

    /// <summary>Client connections: virtual users for rtt, one per subscriber for push.</summary>
    public required int Connections { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan Warmup { get; init; }

    /// <summary>Connections in the short version (the default suite), when it holds fewer than the profile's; null keeps them.</summary>
    public int? BriefConnections { get; init; }

    /// <summary>Run the short version (the default suite): fewer steps, sizes and variants.</summary>
    public bool Brief { get; init; }

    /// <summary>Measure the loopback echo probe beside the measured window (the ci profile), for a gate's <c>--normalize</c>.</summary>
    public bool Probe { get; init; }

    /// <summary>
    /// A stretch at half the rate after the measured window (push, overhead), so that the target's CPU per delivery is
    /// a marginal cost — the slope between two loads — not start-up and idle work divided by a few deliveries. After,
    /// not before, so that the target is past its start-up work (JIT, first connections) by then. Zero for none.
    /// Excluded from the summary figures, like warm-up.
    /// </summary>
    public TimeSpan CostProbe { get; init; }

    /// <summary>How long to wait after the last publish for deliveries still in flight.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
