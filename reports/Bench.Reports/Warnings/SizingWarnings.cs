namespace Bench.Reports.Warnings;

/// <summary><c>extrapolated</c>: a sizing reaches far beyond what was measured (effect: how many times beyond).</summary>
public sealed class ExtrapolatedWarning() : WarningKind("extrapolated", "×")
{
    public RunWarning Of(double factor, string what, double asked, double measured) => Warn(
        Inv($"extrapolated {factor:N0}× beyond what was measured in {what} ({asked:N0} asked, {measured:N0} measured): ")
            + "a straight line this far out ignores queueing, GC and contention.",
        Math.Round(factor, 2));
}

/// <summary><c>guarantee-not-met</c>: a transport does not give the delivery guarantee the workload asks for.</summary>
public sealed class GuaranteeNotMetWarning() : WarningKind("guarantee-not-met")
{
    public RunWarning Of(string asked, string? guarantee) =>
        Warn($"does not give the {asked} guarantee asked for: {guarantee ?? "its guarantee was not recorded"}.");
}
