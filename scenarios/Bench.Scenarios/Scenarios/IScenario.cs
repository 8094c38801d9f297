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

    /// <summary>How this scenario reads its settings, when not as rate × duration (for <c>bench list</c>).</summary>
    string? SettingsNote => null;

    /// <summary>The variants this scenario knows for a transport; <c>default</c> first.</summary>
    IReadOnlyList<string> Variants(string transport);

    /// <summary>What a run of this scenario measures, in order: one case per transport × variant (× fault, for faults).</summary>
    IEnumerable<ScenarioCase> Cases(RunPlan plan);
}

/// <summary>One measurement of a scenario: a transport, a variant, and how to run it.</summary>
public sealed record ScenarioCase(string Transport, string Variant, string Label, Func<ScenarioContext, CancellationToken, Task<ScenarioResult>> RunAsync);
