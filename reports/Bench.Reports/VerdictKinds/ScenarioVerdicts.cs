namespace Bench.Reports.VerdictKinds;

/// <summary>Every kind of scenario with a verdict of its own, in the order the verdict gives them.</summary>
internal static class ScenarioVerdicts
{
    public static readonly IReadOnlyList<IScenarioVerdict> All =
    [
        new ComparisonVerdict(),
        new FaultVerdict(),
        new StormVerdict(),
        new SaturationVerdict(),
        new ConnectionsVerdict(),
    ];

    /// <summary>The kinds that <paramref name="input"/> holds.</summary>
    public static IEnumerable<IScenarioVerdict> Of(VerdictInput input) => All.Where(v => v.IsAvailable(input));
}
