using System.Globalization;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Harness.Scenarios.Saturation;

/// <summary>
/// The rules of a saturation search, apart from any load so they can be tested on scripted steps: the rates tried
/// (each × 1.5 the last), what counts as a breach, and the conclusion.
/// </summary>
public static class SaturationSearch
{
    public const double Growth = 1.5;

    /// <summary>A step whose achieved rate is below this share of offered has breached.</summary>
    public const double AchievedFloor = 0.95;

    /// <summary>A step with more than this share of its requests failing has breached.</summary>
    public const double ErrorCeiling = 0.01;

    public static IEnumerable<double> Rates(double start, int steps)
    {
        var rate = start;
        for (var i = 0; i < steps; i++)
        {
            yield return Math.Round(rate, 1, MidpointRounding.AwayFromZero);
            rate *= Growth;
        }
    }

    /// <summary>
    /// Why a step breached, or null when it held. Loss first (it is never acceptable), then the SLO, the rate and errors.
    /// </summary>
    public static string? Breach(SaturationStep step, long sloP99Us)
    {
        var inv = CultureInfo.InvariantCulture;
        if (step.Lost > 0)
        {
            return string.Create(inv, $"{step.Lost:N0} events lost (not delivered within the drain)");
        }

        if (step.P99Us > sloP99Us)
        {
            return $"p99 {Formats.Milliseconds(step.P99Us)} above the {Formats.Milliseconds(sloP99Us)} SLO";
        }

        if (step.AchievedPerSec < AchievedFloor * step.OfferedPerSec)
        {
            return string.Create(inv, $"achieved {step.AchievedPerSec:N0}/s, {100 * step.AchievedPerSec / step.OfferedPerSec:0.0} % of " +
                $"the {step.OfferedPerSec:N0}/s offered");
        }

        var attempts = step.Delivered + step.Errors;
        if (attempts > 0 && step.Errors > ErrorCeiling * attempts)
        {
            return string.Create(inv, $"{step.Errors:N0} errors, {100.0 * step.Errors / attempts:0.0} % of requests");
        }

        return null;
    }

    /// <summary>The highest offered rate that held (0 when the first step breached) and why the search stopped.</summary>
    public static (double MaxSustainablePerSec, string Reason) Conclude(IReadOnlyList<SaturationStep> steps, int cap)
    {
        var held = steps.TakeWhile(s => s.Breach is null).ToList();
        var max = held.Count == 0 ? 0 : held[^1].OfferedPerSec;
        if (steps.FirstOrDefault(s => s.Breach is not null) is { } broke)
        {
            return (max, string.Create(CultureInfo.InvariantCulture, $"at {broke.OfferedPerSec:N0}/s: {broke.Breach}"));
        }

        return (max, steps.Count >= cap
            ? string.Create(CultureInfo.InvariantCulture, $"at the cap of {cap} steps with no breach ({max:N0}/s " +
                $"held): the limit is higher")
            : "stopped before a breach");
    }
}
