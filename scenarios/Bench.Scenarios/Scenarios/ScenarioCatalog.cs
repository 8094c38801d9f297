using Bench.Scenarios.Scenarios.Push;
using Bench.Scenarios.Scenarios.Rtt;

namespace Bench.Scenarios.Scenarios;

/// <summary>Every scenario Bench can run, by name, in the order the default suite runs them.</summary>
public static class ScenarioCatalog
{
    public static readonly IReadOnlyList<IScenario> All = [new RttScenario(), new PushScenario()];

    /// <summary>The scenarios a run with no scenario named runs.</summary>
    public static IReadOnlyList<IScenario> DefaultSuite => All;

    public static IScenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
