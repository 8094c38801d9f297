using Bench.Harness.Plan;
using Bench.Harness.Running;

namespace Bench.Harness.Scenarios;

/// <summary>What a scenario run is given: its settings, how long targets may take to start, where to report progress.</summary>
public sealed record ScenarioContext(ScenarioSettings Settings, TimeSpan ReadyTimeout, IProgressSink Progress)
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The run's live instruments; the scenario's recorders are tracked by them. Null: none.</summary>
    public Bench.Engine.Metrics.LiveMetrics? Metrics { get; init; }

    /// <summary>This process's share when it is one of several agents (<c>bench agent</c>); null for the whole load.</summary>
    public Distributed.AgentShare? Agent { get; init; }

    /// <summary>Spread the load over agent processes (<c>bench run --agents N</c>); null: this process drives it all.</summary>
    public Distributed.FleetOptions? Fleet { get; init; }
}
