using Bench.Reports.Histograms;
using Bench.Reports.Model;

namespace Bench.Reports.Stats;

/// <summary>
/// The cold start of a case, from its latency by second (warm-up included): the p99 of its first second, and how
/// long until it was steady — the first of three seconds in a row whose p99 is at most
/// <see cref="SteadyFactor"/>× the median per-second p99 of the measured window.
/// </summary>
public sealed record ColdStart(
    long FirstSecondP99Us,
    double SteadyAfterSec,
    double WarmupSec,
    long MeasuredP99Us,
    long? SteadyMeasuredP99Us)
{
    public const double SteadyFactor = 1.5;

    public const int SteadyRun = 3;

    /// <summary>True when the case was still settling after warm-up ended: part of the measured window was not steady.</summary>
    public bool UnsteadyInWindow => SteadyAfterSec > WarmupSec + 0.001;

    /// <summary>Null when the result has no latency by second, or no warm-up second.</summary>
    public static ColdStart? Of(ScenarioResult r)
    {
        var seconds = r.LatencyBySecond.Where(s => s.Count > 0).OrderBy(s => s.Second).ToList();
        var measured = seconds.Where(s => s.Second >= 0).ToList();
        if (measured.Count < SteadyRun || !seconds.Any(s => s.Second < 0))
        {
            return null;
        }

        var p99s = measured.Select(s => s.P99Us).Order().ToList();
        var median = p99s[p99s.Count / 2];
        var first = seconds[0].Second;
        var steady = seconds[^1].Second + 1;
        for (var i = 0; i + SteadyRun <= seconds.Count; i++)
        {
            if (seconds.Skip(i).Take(SteadyRun).All(s => s.P99Us <= SteadyFactor * median))
            {
                steady = seconds[i].Second;
                break;
            }
        }

        // The warm-up's seconds run back from the measured window's start; the first may be partial.
        var warmup = r.Parameters.WarmupSec;
        var steadyAfter = Math.Max(0, steady - first - (Math.Ceiling(warmup) - warmup));
        long? steadyP99 = null;
        if (steady > 0)
        {
            var rest = measured.Where(s => s.Second >= steady).ToList();
            if (rest.Count > 0)
            {
                var sum = HistogramCodec.Decode(rest[0].Histogram);
                foreach (var s in rest.Skip(1))
                {
                    sum.Add(HistogramCodec.Decode(s.Histogram));
                }

                steadyP99 = HistogramCodec.ValueAtPercentile(sum, 99);
            }
        }

        return new ColdStart(seconds[0].P99Us, steadyAfter, warmup, r.LatencyUs.P99, steadyP99);
    }
}
