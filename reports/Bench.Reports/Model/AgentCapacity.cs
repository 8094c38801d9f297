using System.Globalization;

namespace Bench.Reports.Model;

/// <summary>
/// How much one agent of a spread case took, from its own measurements (deliveries a second over the measured window,
/// the share of its machine's CPU it used, how late its schedule ran), and how many agents like it a load would need:
/// the least capable agent's deliveries a second, scaled linearly to <see cref="CpuBudgetPercent"/> of its machine.
/// The scaling is an extrapolation, said as one; an agent that used under <see cref="MinCpuPercent"/> is not scaled.
/// </summary>
public sealed record AgentCapacity(
    double DeliveriesPerSecond, int Subscribers, double CpuPercent, long ScheduleLagP99Us, double? DeliveriesPerSecondAtBudget)
{
    /// <summary>How much of its machine's CPU an agent is sized to use, leaving room for the schedule to keep up.</summary>
    public const double CpuBudgetPercent = 70;

    /// <summary>Below this, the CPU reading is too small a base to scale from.</summary>
    public const double MinCpuPercent = 2;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The least capable complete agent of <paramref name="result"/>, or null when none delivered anything.</summary>
    public static AgentCapacity? Of(ScenarioResult result)
    {
        var seconds = result.Parameters.DurationSec;
        var agents = result.Agents.Where(a => a.Status == "complete" && a.Delivered > 0).ToList();
        if (seconds <= 0 || agents.Count == 0)
        {
            return null;
        }

        var least = agents.MinBy(a => a.CpuPercent > 0 ? a.Delivered / seconds / a.CpuPercent : double.MaxValue)!;
        var rate = least.Delivered / seconds;
        return new AgentCapacity(rate, least.Subscribers, least.CpuPercent, agents.Max(a => a.ScheduleLagP99Us),
            least.CpuPercent >= MinCpuPercent ? rate * CpuBudgetPercent / least.CpuPercent : null);
    }

    /// <summary>One sentence for the report and the run's output.</summary>
    public string Describe()
    {
        var measured = I($"the least capable agent delivered {DeliveriesPerSecond:N0} events a second to {Subscribers:N0} ")
            + I($"subscribers using {CpuPercent:0.0} % of its machine's CPU (every agent's schedule lag p99 ≤ ")
            + I($"{ScheduleLagP99Us / 1000.0:0.#} ms)");
        return DeliveriesPerSecondAtBudget is { } budget
            ? I($"Sizing: {measured}. Scaled linearly to {CpuBudgetPercent:0} % of such a machine (an extrapolation, not ")
                + I($"measured there), one agent takes about {budget:N0} deliveries a second: a load of D deliveries a second ")
                + I($"needs about D / {budget:N0} agents like these, rounded up.")
            : I($"Sizing: {measured}; too little CPU to scale from (under {MinCpuPercent:0} %): run more load per agent to ")
                + "size a fleet.";
    }

    private static string I(FormattableString text) => text.ToString(Inv);
}
