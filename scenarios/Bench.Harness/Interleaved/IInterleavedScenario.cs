using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;

namespace Bench.Harness.Interleaved;

/// <summary>A scenario whose transports can be compared interleaved (rtt, push, overhead).</summary>
internal interface IInterleavedScenario : IScenario
{
    /// <summary>
    /// The interleaved comparison of <paramref name="transports"/> at <paramref name="settings"/>, or null when this plan runs the scenario
    /// case by case.
    /// </summary>
    ComparisonPlan? Comparison(RunPlan plan, ScenarioSettings settings, IReadOnlyList<ITransport> transports);
}

/// <summary>How a scenario's settings become an interleaved comparison's blocks, rounds and warm-up.</summary>
internal static class ComparisonShape
{
    /// <summary>The block length: about a second, short enough that a stretch of noise spans several rounds.</summary>
    public static readonly TimeSpan Block = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The measured time is cut into blocks shared among the target launches (at least two rounds a launch); each side
    /// warms up for the warm-up over twice the launches (at least a second, unless no warm-up was asked for); the cost
    /// probe's time, likewise, into one half-rate block per round (at least half a second).
    /// </summary>
    public static ComparisonPlan Shape(ComparisonPlan comparison, RunPlan plan, ScenarioSettings s)
    {
        var launches = plan.TargetLaunches;
        var total = Math.Max(1, (int)Math.Ceiling(s.Duration.TotalSeconds / Block.TotalSeconds));
        var rounds = Math.Max(2, (int)Math.Ceiling(total / (double)launches));
        var warmup = s.Warmup <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(1, s.Warmup.TotalSeconds / (2 * launches)));
        var half = s.CostProbe <= TimeSpan.Zero
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Max(0.5, s.CostProbe.TotalSeconds / (rounds * launches)));
        return comparison with
        {
            TargetLaunches = launches,
            RoundsPerLaunch = rounds,
            Block = Block,
            Warmup = warmup,
            HalfBlock = half,
            Settings = s
        };
    }
}
