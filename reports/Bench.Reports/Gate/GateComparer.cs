using System.Globalization;
using Bench.Reports.Model;

namespace Bench.Reports.Gate;

/// <summary>The outcome for one metric: <c>faster</c>, <c>same</c>, <c>slower</c>, <c>inconclusive</c>, or for an exact count <c>ok</c> or <c>broken</c>.</summary>
public static class Verdicts
{
    public const string Faster = "faster";
    public const string Same = "same";
    public const string Slower = "slower";
    public const string Inconclusive = "inconclusive";
    public const string Ok = "ok";
    public const string Broken = "broken";
}

/// <summary>One row of the gate's table: a metric of a case, both sides' medians, the ratio with its 95 % interval, the p-value and the verdict.</summary>
public sealed record GateRow(
    string Case,
    string Metric,
    string Unit,
    double BaselineMedian,
    double CurrentMedian,
    double Ratio,
    double RatioLow,
    double RatioHigh,
    double PValue,
    double NoiseFloor,
    double Threshold,
    string Verdict,
    string Reason);

/// <summary>The gate's decision over every case; <see cref="Problems"/> are reasons it could not compare at all (exit 2).</summary>
public sealed record GateReport(IReadOnlyList<GateRow> Rows, IReadOnlyList<string> Problems, GateFile Gate)
{
    /// <summary>0 no regression · 1 a regression or a broken exact count · 2 could not compare · 3 inconclusive.</summary>
    public int ExitCode =>
        Problems.Count > 0 ? 2
        : Rows.Any(r => r.Verdict is Verdicts.Slower or Verdicts.Broken) ? 1
        : Rows.Any(r => r.Verdict == Verdicts.Inconclusive) ? 3
        : 0;

    public string Summary => ExitCode switch
    {
        0 => "no regression",
        1 => "regression: " + string.Join(", ", Rows.Where(r => r.Verdict is Verdicts.Slower or Verdicts.Broken).Select(r => $"{r.Case} {r.Metric}")),
        2 => "could not compare: " + string.Join("; ", Problems),
        _ => "inconclusive: " + string.Join(", ", Rows.Where(r => r.Verdict == Verdicts.Inconclusive).Select(r => $"{r.Case} {r.Metric}")),
    };
}

/// <summary>
/// Compares a current run with a baseline, launch by launch. A metric is <c>slower</c> (or <c>faster</c>) only when
/// all agree: the Mann–Whitney U test rejects "same distribution" at the gate's significance level; the median moved by
/// more than the metric's threshold, and the whole 95 % bootstrap interval of the ratio lies beyond it; and the move
/// is larger than the launch-to-launch noise (half the range of the noisier side, relative to its median). A significant move for the worse beyond the threshold but within that noise is
/// <c>inconclusive</c> (the baseline is too noisy to decide), as is a side with too few launches; anything else —
/// including a large move the test does not find significant — is <c>same</c>.
/// </summary>
public static class GateComparer
{
    public static GateReport Compare(RunResults baseline, RunResults current, GateFile gate)
    {
        var problems = new List<string>();
        var rows = new List<GateRow>();
        var baseCases = Cases(baseline);
        var currentCases = Cases(current);
        var missing = baseCases.Keys.Except(currentCases.Keys).ToList();
        var extra = currentCases.Keys.Except(baseCases.Keys).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            problems.Add($"the runs measured different scenarios: only in the baseline: {List(missing)}; only in the current run: {List(extra)}");
        }

        foreach (var (key, now) in currentCases.Where(c => baseCases.ContainsKey(c.Key)))
        {
            var before = baseCases[key];
            foreach (var metric in gate.Metrics)
            {
                var b = Values(before, metric.Name);
                var c = Values(now, metric.Name);
                if (b.Count == 0 || b.Any(v => !double.IsFinite(v)))
                {
                    problems.Add($"the baseline has no '{metric.Name}' for {key}");
                    continue;
                }

                if (c.Count == 0 || c.Any(v => !double.IsFinite(v)))
                {
                    problems.Add($"the current run has no '{metric.Name}' for {key}");
                    continue;
                }

                rows.Add(Decide(key, metric, b, c, gate));
            }

            if (now.Resilience is null)
            {
                foreach (var count in gate.ExactCounts)
                {
                    rows.Add(Exact(key, count, now));
                }
            }
        }

        return new GateReport(rows, problems, gate);
    }

    /// <summary>The verdict for one metric from its launch values.</summary>
    public static GateRow Decide(string key, GateMetric metric, IReadOnlyList<double> baseline, IReadOnlyList<double> current, GateFile gate)
    {
        var inv = CultureInfo.InvariantCulture;
        var medB = Median(baseline);
        var medC = Median(current);
        var ratio = medB == 0 ? double.NaN : medC / medB;
        var (low, high) = RatioInterval(baseline, current);
        var p = MannWhitney.TwoSidedP(baseline, current);
        // The noise floor: half the launch-to-launch range of the noisier side, relative to its median. A machine that
        // was quiet for the baseline and busy for the current run shows it in the current side's spread.
        var noise = Math.Max(Spread(baseline), Spread(current));
        var bar = Math.Max(metric.Threshold, noise);
        var lowerIsBetter = metric.Better == "lower";
        string verdict;
        string reason;
        if (baseline.Count < gate.MinLaunches || current.Count < gate.MinLaunches)
        {
            verdict = Verdicts.Inconclusive;
            reason = string.Create(inv, $"too few launches: {baseline.Count} in the baseline, {current.Count} now; the gate needs {gate.MinLaunches} on each side");
        }
        else if (double.IsNaN(ratio))
        {
            verdict = Verdicts.Inconclusive;
            reason = "the baseline median is 0";
        }
        else
        {
            var change = ratio - 1;
            var worse = lowerIsBetter ? change > 0 : change < 0;
            var significant = p < gate.Alpha;
            var beyondThreshold = Math.Abs(change) > metric.Threshold;
            // The whole 95 % interval of the ratio must lie beyond the threshold too, not just its middle.
            var intervalBeyond = lowerIsBetter == worse ? low > 1 + metric.Threshold : high < 1 - metric.Threshold;
            var beyondNoise = Math.Abs(change) > bar && intervalBeyond;
            (verdict, reason) = (significant, beyondThreshold, beyondNoise) switch
            {
                (true, true, true) => (worse ? Verdicts.Slower : Verdicts.Faster,
                    string.Create(inv, $"moved {change:+0.0%;-0.0%} (95 % interval {low - 1:+0%;-0%} to {high - 1:+0%;-0%}), beyond the {metric.Threshold:0%} threshold and the ±{noise:0.0%} launch-to-launch noise, p = {p:0.000}")),
                (true, true, false) when worse => (Verdicts.Inconclusive,
                    string.Create(inv, $"moved {change:+0.0%;-0.0%} (p = {p:0.000}; 95 % interval {low - 1:+0%;-0%} to {high - 1:+0%;-0%}), beyond the {metric.Threshold:0%} threshold but not clear of the ±{noise:0.0%} launch-to-launch noise: too noisy to decide")),
                (false, true, _) => (Verdicts.Same,
                    string.Create(inv, $"moved {change:+0.0%;-0.0%}, but not significantly (p = {p:0.000} ≥ {gate.Alpha}): launch-to-launch noise")),
                _ => (Verdicts.Same, string.Create(inv, $"moved {change:+0.0%;-0.0%}, within {(beyondThreshold ? $"the baseline's ±{noise:0.0%} noise" : $"the {metric.Threshold:0%} threshold")}")),
            };
        }

        return new GateRow(key, metric.Name, metric.Unit, medB, medC, ratio, low, high, p, noise, metric.Threshold, verdict, reason);
    }

    private static GateRow Exact(string key, string count, ScenarioResult r)
    {
        var launches = r.Launches.Count > 0 ? r.Launches : [new LaunchFigures(0, 0, 0, 0, r.Counts.Sent, r.Counts.Delivered, r.Counts.Lost, r.Counts.Duplicated, r.Counts.Errors)];
        var values = launches.Select(l => count switch
        {
            "counts.lost" => l.Lost,
            "counts.duplicated" => l.Duplicated,
            _ => l.Errors,
        }).ToList();
        var bad = values.Select((v, i) => (v, i)).Where(x => x.v != 0).ToList();
        return new GateRow(key, count, "", 0, values.Sum(), double.NaN, double.NaN, double.NaN, double.NaN, 0, 0,
            bad.Count == 0 ? Verdicts.Ok : Verdicts.Broken,
            bad.Count == 0
                ? $"0 in every launch ({values.Count})"
                : string.Join(", ", bad.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.v:N0} in launch {x.i + 1}"))) + "; must be 0 without faults");
    }

    /// <summary>The launch values of a metric; a result without launches counts as one launch.</summary>
    public static IReadOnlyList<double> Values(ScenarioResult r, string metric)
    {
        IEnumerable<LaunchFigures> launches = r.Launches.Count > 0 ? r.Launches : [FromSummary(r)];
        return [.. launches.Select(l => metric switch
        {
            "latency.p50" => l.P50Us,
            "latency.p99" => l.P99Us,
            "throughput.achieved" => l.AchievedPerSec,
            "target.cpuUsPerEvent" => l.TargetCpuUsPerEvent,
            _ => double.NaN,
        })];
    }

    public static LaunchFigures FromSummary(ScenarioResult r) => new(
        r.LatencyUs.P50, r.LatencyUs.P99, r.Throughput.AchievedPerSec,
        r.Counts.Delivered == 0 ? double.NaN : Math.Round(r.Target.CpuSeconds * 1e6 / r.Counts.Delivered, 2),
        r.Counts.Sent, r.Counts.Delivered, r.Counts.Lost, r.Counts.Duplicated, r.Counts.Errors);

    public static string CaseKey(ScenarioResult r) => $"{r.Scenario}/{r.Transport}{(r.Variant == "default" ? "" : "/" + r.Variant)}";

    private static Dictionary<string, ScenarioResult> Cases(RunResults run) =>
        run.Results.Where(r => r.Resilience is null && r.Saturation is null && r.Connections is null && r.Wire is null)
            .GroupBy(CaseKey).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    private static double Spread(IReadOnlyList<double> values)
    {
        var median = Median(values);
        return median == 0 ? 0 : (values.Max() - values.Min()) / (2 * median);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>A 95 % bootstrap interval of the ratio of medians (2,000 resamples, fixed seed: the same inputs give the same interval).</summary>
    private static (double Low, double High) RatioInterval(IReadOnlyList<double> baseline, IReadOnlyList<double> current)
    {
        var random = new Random(20261127);
        var ratios = new List<double>(2000);
        var b = new double[baseline.Count];
        var c = new double[current.Count];
        for (var i = 0; i < 2000; i++)
        {
            for (var k = 0; k < b.Length; k++)
            {
                b[k] = baseline[random.Next(b.Length)];
            }

            for (var k = 0; k < c.Length; k++)
            {
                c[k] = current[random.Next(c.Length)];
            }

            var mb = Median(b);
            if (mb != 0)
            {
                ratios.Add(Median(c) / mb);
            }
        }

        if (ratios.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        ratios.Sort();
        return (ratios[(int)(0.025 * (ratios.Count - 1))], ratios[(int)Math.Ceiling(0.975 * (ratios.Count - 1))]);
    }

    private static string List(IReadOnlyCollection<string> keys) => keys.Count == 0 ? "none" : string.Join(", ", keys);
}
