using Bench.Reports.Model;

namespace Bench.Reports.Stats;

/// <summary>
/// The target's CPU per delivery as a marginal cost: the slope between two loads of one run — the last seconds of the
/// measured window and the half-rate cost probe right after it — from the target's CPU and the deliveries of each whole
/// second (the probe's first second left out as a transition). What the target spends whatever the load (timers,
/// keep-alives, idle spinning, the connections it holds) falls out of the slope and is reported apart as its fixed CPU.
/// The interval resamples the seconds of each load independently.
/// </summary>
public sealed record MarginalCost(
    double CpuUsPerDelivery,
    double? Low,
    double? High,
    double FixedCorePercent,
    double LowDeliveriesPerSec,
    double HighDeliveriesPerSec,
    int LowSeconds,
    int HighSeconds)
{
    /// <summary>Whole seconds of each load needed for a slope; an interval needs <see cref="MinSecondsForInterval"/>.</summary>
    public const int MinSeconds = 2;

    public const int MinSecondsForInterval = 3;

    /// <summary>How many of the measured window's last whole seconds stand for the full load.</summary>
    public const int TailSeconds = 5;

    /// <summary>The two loads must differ by at least this factor in deliveries a second for a slope to mean anything.</summary>
    public const double MinLoadRatio = 1.5;

    /// <summary>Null when the result has no cost probe, too few seconds with the target's CPU, or loads that did not differ.</summary>
    public static MarginalCost? Of(ScenarioResult r)
    {
        if (r.Blocks.Any(b => b.Load == BlockFigures.Half))
        {
            return OfBlocks(r);
        }

        if (Blocks(r) is not var (low, high) || Problem(r) is not null)
        {
            return null;
        }

        var slope = Slope(low, high);
        if (!double.IsFinite(slope))
        {
            return null;
        }

        var (lo, hi) = Replicates(r) is { } reps ? BlockBootstrap.Interval(reps) : (double.NaN, double.NaN);
        var meanCpuHigh = high.Average(b => b.CpuMs);
        var meanDelHigh = high.Average(b => b.Delivered);
        var fixedMs = meanCpuHigh - (slope / 1000 * meanDelHigh);
        return new MarginalCost(
            Math.Round(slope, 2),
            double.IsFinite(lo) ? Math.Round(lo, 2) : null,
            double.IsFinite(hi) ? Math.Round(hi, 2) : null,
            Math.Round(fixedMs / 10, 2), low.Average(b => b.Delivered), meanDelHigh, low.Count, high.Count);
    }

    /// <summary>
    /// Why a result with a cost probe has no marginal cost, or null: the target did not follow the change of load (it
    /// was working off a backlog, so it delivered about as much in the probe as before it).
    /// </summary>
    public static string? Problem(ScenarioResult r)
    {
        double lowRate, highRate;
        if (r.Blocks.Any(b => b.Load == BlockFigures.Half))
        {
            (lowRate, highRate) = (RateOf(r, BlockFigures.Half), RateOf(r, BlockFigures.Full));
            if (highRate >= MinLoadRatio * lowRate && !(HierarchicalBootstrap.Slope(r.Blocks) > 0))
            {
                return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"no marginal cost: the target's CPU a second did not rise from {lowRate:N0} to {highRate:N0} deliveries a second"
                        + $" (noise larger than the cost)");
            }
        }
        else if (Blocks(r) is var (low, high))
        {
            (lowRate, highRate) = (low.Average(b => b.Delivered), high.Average(b => b.Delivered));
        }
        else
        {
            return null;
        }

        return highRate < MinLoadRatio * lowRate
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"no marginal cost: the target delivered {highRate:N0}/s at full load and {lowRate:N0}/s at half, so it did not follow"
                    + $" the change of load (a backlog, or a saturated target)")
            : null;
    }

    /// <summary>Bootstrap replicates of the slope (µs per delivery), or null with too few seconds.</summary>
    public static double[]? Replicates(ScenarioResult r)
    {
        if (r.Blocks.Any(b => b.Load == BlockFigures.Half))
        {
            // A slope at or below zero in more than the interval's tail means the noise is as large as the cost: no interval.
            return Problem(r) is null && HierarchicalBootstrap.MarginalCost(r) is { } reps
                && reps.Count(x => !(x > 0)) <= (1 - BlockBootstrap.Level) / 2 * reps.Length ? reps : null;
        }

        if (Blocks(r) is not var (low, high)
            || low.Count < MinSecondsForInterval
            || high.Count < MinSecondsForInterval
            || Problem(r) is not null)
        {
            return null;
        }

        var random = new Random(BlockBootstrap.Seed($"{r.Scenario}/{r.Transport}/{r.Variant}/{r.Parameters.PayloadBytes}/cost"));
        var replicates = new double[BlockBootstrap.Replicates];
        for (var k = 0; k < replicates.Length; k++)
        {
            replicates[k] = Slope(Draw(random, low), Draw(random, high));
        }

        return replicates;
    }

    /// <summary>
    /// The marginal cost of an interleaved case: the slope between its full-rate and half-rate blocks, which ran in the
    /// same rounds, with the target's CPU from its threads' scheduler time.
    /// </summary>
    private static MarginalCost? OfBlocks(ScenarioResult r)
    {
        var slope = HierarchicalBootstrap.Slope(r.Blocks);
        if (!double.IsFinite(slope) || Problem(r) is not null)
        {
            return null;
        }

        var (lo, hi) = HierarchicalBootstrap.MarginalCost(r) is { } reps ? BlockBootstrap.Interval(reps) : (double.NaN, double.NaN);
        var full = r.Blocks.Where(b => b.Load == BlockFigures.Full).ToList();
        var half = r.Blocks.Where(b => b.Load == BlockFigures.Half).ToList();
        var cpuUsPerSec = full.Sum(b => b.TargetCpuUs) / full.Sum(b => b.Seconds);
        var fixedUsPerSec = cpuUsPerSec - (slope * RateOf(r, BlockFigures.Full));
        return new MarginalCost(
            Math.Round(slope, 2),
            double.IsFinite(lo) ? Math.Round(lo, 2) : null,
            double.IsFinite(hi) ? Math.Round(hi, 2) : null,
            Math.Round(fixedUsPerSec / 1e4, 2), RateOf(r, BlockFigures.Half), RateOf(r, BlockFigures.Full),
            (int)Math.Round(half.Sum(b => b.Seconds)), (int)Math.Round(full.Sum(b => b.Seconds)));
    }

    /// <summary>Deliveries a second over an interleaved case's blocks of one load.</summary>
    private static double RateOf(ScenarioResult r, string load)
    {
        var blocks = r.Blocks.Where(b => b.Load == load).ToList();
        var seconds = blocks.Sum(b => b.Seconds);
        return seconds > 0 ? blocks.Sum(b => b.Delivered) / seconds : 0;
    }

    private static List<(double CpuMs, double Delivered)> Draw(Random random, List<(double CpuMs, double Delivered)> blocks) =>
        [.. Enumerable.Range(0, blocks.Count).Select(_ => blocks[random.Next(blocks.Count)])];

    /// <summary>µs of target CPU per extra delivery, from the mean CPU and deliveries a second of each load.</summary>
    private static double Slope(List<(double CpuMs, double Delivered)> low, List<(double CpuMs, double Delivered)> high)
    {
        var deliveries = high.Average(b => b.Delivered) - low.Average(b => b.Delivered);
        return deliveries > 0 ? (high.Average(b => b.CpuMs) - low.Average(b => b.CpuMs)) * 1000 / deliveries : double.NaN;
    }

    private static (List<(double CpuMs, double Delivered)> Low, List<(double CpuMs, double Delivered)> High)? Blocks(ScenarioResult r)
    {
        if (r.CostProbe is not { } probe || !r.IsMeasured)
        {
            return null;
        }

        var measuredStart = r.Parameters.WarmupSec;
        List<(double, double)> Within(double from, double to) =>
            [.. r.Timeline.Where(t => t.TargetCpuMs is not null && t.Second >= Math.Ceiling(from) + 1 && t.Second + 1 <= Math.Floor(to))
                .Select(t => (t.TargetCpuMs!.Value, (double)t.Delivered))];
        var low = Within(probe.FromSec, probe.ToSec);
        // The measured window's last seconds, right before the probe: the target is past its start-up by then (a
        // dispatcher's JIT and first connections can take longer than warm-up), and the two loads are adjacent.
        var measuredEnd = measuredStart + r.Parameters.DurationSec;
        var high = Within(Math.Max(measuredStart, measuredEnd - TailSeconds - 1), measuredEnd);
        return low.Count >= MinSeconds && high.Count >= MinSeconds ? (low, high) : null;
    }
}
