using Bench.Scenarios.Plan;
using Bench.Scenarios.Running;

namespace Bench.Scenarios.Scenarios;

/// <summary>What a scenario run is given: its settings, how long targets may take to start, where to report progress.</summary>
public sealed record ScenarioContext(ScenarioSettings Settings, TimeSpan ReadyTimeout, IProgressSink Progress)
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The run's live instruments; the scenario's recorders are tracked by them. Null: none.</summary>
    public Bench.Engine.Metrics.LiveMetrics? Metrics { get; init; }
}
