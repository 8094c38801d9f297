namespace Bench.Engine.Load;

/// <summary>One phase of load, in NBomber's vocabulary. Phases run one after another.</summary>
public abstract record LoadSimulation(TimeSpan During)
{
    /// <summary>True when the phase schedules iterations at intended times (open model).</summary>
    public abstract bool IsOpenModel { get; }

    public abstract override string ToString();
}

/// <summary>Open model: <paramref name="RatePerSec"/> iterations a second at evenly spaced intended times.</summary>
public sealed record Inject(double RatePerSec, TimeSpan During) : LoadSimulation(During)
{
    public override bool IsOpenModel => true;

    public override string ToString() => FormattableString.Invariant($"inject({RatePerSec}/s, {During.TotalSeconds}s)");
}

/// <summary>Open model: the rate moves linearly from <paramref name="FromPerSec"/> to <paramref name="ToPerSec"/>.</summary>
public sealed record Ramp(double FromPerSec, double ToPerSec, TimeSpan During) : LoadSimulation(During)
{
    public override bool IsOpenModel => true;

    public override string ToString() => FormattableString.Invariant($"ramp({FromPerSec}/s -> {ToPerSec}/s, {During.TotalSeconds}s)");
}

/// <summary>Closed model: <paramref name="Copies"/> virtual users each run iterations back to back.</summary>
public sealed record KeepConstant(int Copies, TimeSpan During) : LoadSimulation(During)
{
    public override bool IsOpenModel => false;

    public override string ToString() => FormattableString.Invariant($"keepConstant({Copies}, {During.TotalSeconds}s)");
}

/// <summary>No iterations for the duration.</summary>
public sealed record Pause(TimeSpan During) : LoadSimulation(During)
{
    public override bool IsOpenModel => true;

    public override string ToString() => FormattableString.Invariant($"pause({During.TotalSeconds}s)");
}

/// <summary>Factory methods named as NBomber names them.</summary>
public static class Simulation
{
    public static LoadSimulation Inject(double ratePerSec, TimeSpan during) => new Inject(ratePerSec, during);

    public static LoadSimulation Ramp(double fromPerSec, double toPerSec, TimeSpan during) => new Ramp(fromPerSec, toPerSec, during);

    public static LoadSimulation KeepConstant(int copies, TimeSpan during) => new KeepConstant(copies, during);

    public static LoadSimulation Pause(TimeSpan during) => new Pause(during);

    /// <summary>Checks a phase list; returns the first problem found, or null.</summary>
    public static string? Validate(IReadOnlyList<LoadSimulation> phases)
    {
        if (phases.Count == 0)
        {
            return "at least one load simulation is needed";
        }

        foreach (var phase in phases)
        {
            if (phase.During <= TimeSpan.Zero)
            {
                return $"{phase}: duration must be positive";
            }

            var problem = phase switch
            {
                Inject i when !(i.RatePerSec > 0) || double.IsInfinity(i.RatePerSec) => "rate must be positive",
                Ramp r when r.FromPerSec < 0 || r.ToPerSec < 0 || (r.FromPerSec == 0 && r.ToPerSec == 0) =>
                    "rates must be non-negative and not both zero",
                KeepConstant k when k.Copies <= 0 => "copies must be positive",
                _ => null,
            };
            if (problem is not null)
            {
                return $"{phase}: {problem}";
            }
        }

        return null;
    }
}
