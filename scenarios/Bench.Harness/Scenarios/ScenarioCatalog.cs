using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Overhead;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Scenarios.Saturation;

namespace Bench.Harness.Scenarios;

/// <summary>Every scenario Bench can run, by name, in the order the default suite runs them.</summary>
public static class ScenarioCatalog
{
    public static readonly IReadOnlyList<IScenario> All = [new RttScenario(), new PushScenario(), new SaturationScenario(),
        new ConnectionsScenario(), new OverheadScenario(), new FaultsScenario()];

    /// <summary>
    /// The scenarios a run with no scenario named runs, for all four transports in about four minutes: the comparison
    /// of rtt and push, then short versions of connections (1,000 subscribers) and overhead (1 KiB payloads).
    /// Saturation (about 3 minutes for four transports) and faults (about 6) are named to run.
    /// </summary>
    public static IReadOnlyList<IScenario> DefaultSuite => [.. All.Where(s => s.Name is "rtt" or "push" or "connections" or "overhead")];

    /// <summary>The ci profile's fixed suite: rtt and push, every transport, small sizes.</summary>
    public static IReadOnlyList<IScenario> CiSuite => [.. All.Where(s => s.Name is "rtt" or "push")];

    /// <summary>
    /// The claims check (<c>bench run claims</c>): every scenario in its short version, default variants only,
    /// saturation over push only, and the faults the claims need (restart, outage, overload).
    /// </summary>
    public const string ClaimsSuite = "claims";

    public static readonly IReadOnlyList<string> ClaimsFaults = ["restart", "outage", "overload"];

    public static IScenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
