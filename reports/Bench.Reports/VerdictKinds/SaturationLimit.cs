using System.Globalization;
using Bench.Reports.Model;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// What limited a saturation search, from what it recorded: nothing (no step breached), the generator (it dropped
/// iterations, or used more than <see cref="GeneratorBusyPercent"/> % of the machine), this machine (the target at the
/// breaching step and the generator at the last step that held used <see cref="MachineBusyPercent"/> % of it or more
/// together), else the target.
/// </summary>
internal sealed record SaturationLimit(string Name, string Detail)
{
    /// <summary>Generator CPU above this share of the machine means the generator may be the bottleneck (as the harness warns).</summary>
    public const double GeneratorBusyPercent = 85;

    /// <summary>Target and generator together at this share of the machine or more: the machine was full.</summary>
    public const double MachineBusyPercent = 90;

    public const string Target = "the target";
    public const string Generator = "the generator";
    public const string Machine = "this machine";
    public const string None = "none found";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static SaturationLimit Of(ScenarioResult r)
    {
        var s = r.Saturation!;
        if (s.Steps.FirstOrDefault(x => x.Breach is not null) is not { } breach)
        {
            return new(None, s.BreachReason);
        }

        var generator = r.Generator.CpuPercent;
        var target = breach.TargetCpuPercent;
        if (r.Generator.DroppedIterations > 0 || generator > GeneratorBusyPercent)
        {
            var dropped = r.Generator.DroppedIterations > 0
                ? string.Create(Inv, $", dropping {r.Generator.DroppedIterations:N0} iterations")
                : "";
            return new(Generator, string.Create(Inv, $"it used {generator:0} % of the machine's CPU{dropped}"));
        }

        var shares = string.Create(Inv, $"target {target:0} % and generator {generator:0} % of the machine's CPU");
        return target + generator >= MachineBusyPercent
            ? new(Machine, shares)
            : new(Target, shares);
    }
}
