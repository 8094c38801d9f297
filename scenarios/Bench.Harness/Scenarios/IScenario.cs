using Bench.Harness.Plan;
using Bench.Harness.Transports;
using Bench.Reports.Model;

namespace Bench.Harness.Scenarios;

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
    IReadOnlyList<string> Variants(ITransport transport);

    /// <summary>What a run of this scenario measures, in order: one case per transport × variant (× fault, for faults).</summary>
    IEnumerable<ScenarioCase> Cases(RunPlan plan);
}

/// <summary>One measurement of a scenario: a transport, a variant, and how to run it.</summary>
public sealed record ScenarioCase(
    ITransport Transport,
    string Variant,
    string Label,
    Func<ScenarioContext, CancellationToken, Task<ScenarioResult>> RunAsync)
{
    /// <summary>What the progress line says as a case begins: a target file's system is there already; Bench's is started.</summary>
    public static string Starting(ITransport transport) => transport is TargetFiles.FileTransport file
        ? $"connecting to the system {Path.GetFileName(file.File.Path)} names"
        : "starting target";

    /// <summary>
    /// The case of a scenario that <paramref name="transport"/> declares it cannot run: nothing starts, and the result
    /// says "n/a" with the transport's reason.
    /// </summary>
    public static ScenarioCase NotApplicable(IScenario scenario, ITransport transport, string label, string reason) =>
        new(transport, VariantName.Default, label, (context, _) => Task.FromResult(ScenarioResult.NotApplicableFor(scenario.Name,
            scenario.Description, transport.Name, reason)));

    /// <summary>
    /// The cases of a scenario that runs once per transport × variant: <paramref name="run"/> for each transport that
    /// supports <paramref name="mode"/> (the scenario's name, or a mode of it), and an n/a case for each that does not.
    /// </summary>
    public static IEnumerable<ScenarioCase> PerTransport(
        IScenario scenario, RunPlan plan, string mode, string labelPrefix,
        Func<ITransport, string, Func<ScenarioContext, CancellationToken, Task<ScenarioResult>>> run)
    {
        foreach (var transport in plan.Transports)
        {
            if (transport.Unsupported(mode) is { } reason)
            {
                yield return NotApplicable(scenario, transport, $"{labelPrefix}/{transport.Name}", reason);
                continue;
            }

            foreach (var variant in plan.VariantsFor(scenario, transport))
            {
                yield return new ScenarioCase(transport, variant, $"{labelPrefix}/{transport.Name}{VariantName.Suffix(variant)}",
                    run(transport, variant));
            }
        }
    }
}
