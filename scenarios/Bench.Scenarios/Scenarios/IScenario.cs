using Bench.Reports.Model;
using Bench.Scenarios.Plan;

namespace Bench.Scenarios.Scenarios;

/// <summary>A named experiment, run once per transport under the same load.</summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>One sentence for <c>bench list</c> and the report.</summary>
    string Description { get; }

    /// <summary>True when the scenario opens one connection per subscriber, so <c>--subscribers</c> sets the connections too.</summary>
    bool ConnectionsFollowSubscribers { get; }

    ScenarioSettings Defaults(Profile profile);

    Task<ScenarioResult> RunAsync(ScenarioContext context, string transport, CancellationToken ct);
}
