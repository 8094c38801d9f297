using System.Globalization;
using Bench.Reports.Model;

namespace Bench.Reports.Gate;

/// <summary>
/// The outcome for one metric: <c>faster</c>, <c>same</c>, <c>slower</c>, <c>inconclusive</c>, or for an exact count
/// <c>ok</c> or <c>broken</c>.
/// </summary>
public static class Verdicts
{
    public const string Faster = "faster";
    public const string Same = "same";
    public const string Slower = "slower";
    public const string Inconclusive = "inconclusive";
    public const string Ok = "ok";
    public const string Broken = "broken";
}

/// <summary>
/// One row of the gate's table: a metric of a case, both sides' medians, the ratio with its 95 % interval, the p-value
/// and the verdict.
/// </summary>
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

/// <summary>
/// The gate's decision over every case; <see cref="Problems"/> are reasons it could not compare at all (exit 2).
/// <see cref="Paired"/>: the launches were compared pair by pair (<c>bench ab</c>), not as two independent sets.
/// </summary>
public sealed record GateReport(IReadOnlyList<GateRow> Rows, IReadOnlyList<string> Problems, GateFile Gate, bool Paired = false)
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
        1 => "regression: " + string.Join(", ", Rows
            .Where(r => r.Verdict is Verdicts.Slower or Verdicts.Broken)
            .Select(r => $"{r.Case} {r.Metric}")),
        2 => "could not compare: " + string.Join("; ", Problems),
        _ => "inconclusive: " + string.Join(", ", Rows
            .Where(r => r.Verdict == Verdicts.Inconclusive)
            .Select(r => $"{r.Case} {r.Metric}")),
    };
}

/// <summary>
/// Compares a current run with a baseline, launch by launch. A metric is <c>slower</c> (or <c>faster</c>) only when
/// all agree: a rank test rejects "no change" at the gate's significance level; the median ratio moved by more than the
/// metric's threshold, and its whole 95 % bootstrap interval lies beyond it; and the move is larger than the noise.
/// Independent launches (a stored baseline) use the Mann–Whitney U test and, as noise, the spread of the noisier
/// side; paired launches (<c>bench ab</c>) use the Wilcoxon signed-rank test on the pair ratios and their spread (a
/// robust standard deviation: 1.4826 × the median absolute deviation, relative to the median).
/// A significant move for the worse beyond the threshold but within the noise is <c>inconclusive</c> (too noisy to
/// decide), as are too few launches to reach significance at all; anything else — including a large move the test
/// does not find significant — is <c>same</c>.
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
            problems.Add($"the runs measured different scenarios: only in the baseline: {List(missing)}; only in the"
                + $" current run: {List(extra)}");
        }

        var both = currentCases.Where(c => baseCases.ContainsKey(c.Key)).ToList();
        var paired = both.Count > 0 && both.All(c => Paired(baseCases[c.Key], c.Value));
        foreach (var (key, now) in both)
        {
            var before = baseCases[key];
            foreach (var gated in gate.Metrics)
            {
                // A target Bench could not see (a target file without a process id) has no CPU to gate.
                if (gated.Name.StartsWith("target.", StringComparison.Ordinal) && (!before.Target.Measured || !now.Target.Measured))
                {
                    continue;
                }

                var normalized = gate.Normalize && Normalizable(gated.Name);
                var metric = gated;
                var b = Values(before, metric.Name);
                var c = Values(now, metric.Name);
                if (normalized && (!Probed(before) || !Probed(now)))
                {
                    problems.Add($"--normalize: the {(Probed(before) ? "current run" : "baseline")} has no loopback probe for {key} (runs"
                        + $" of the ci profile measure it)");
                    continue;
                }

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

                var slope = double.NaN;
                if (normalized && b.Concat(c).All(v => v > 0))
                {
                    (var adjustedB, var adjustedC, slope) = ProbeAdjustment.Adjust(b, Probes(before), c, Probes(now));
                    (b, c) = (adjustedB, adjustedC);
                }

                var row = paired ? DecidePaired(key, metric, b, c, gate) : Decide(key, metric, b, c, gate);
                rows.Add(double.IsNaN(slope) ? row : row with
                {
                    Reason = string.Create(CultureInfo.InvariantCulture, $"{row.Reason}; launches adjusted for the loopback probe"
                        + $" (slope {slope:0.00})"),
                });
            }

            if (now.Resilience is null)
            {
                foreach (var count in gate.ExactCounts)
                {
                    rows.Add(Exact(key, count, now));
                }
            }
        }

        return new GateReport(rows, problems, gate, paired);
    }

    /// <summary>
    /// Whether two results are paired launches: as many on each side, and launch i of each ran next to the other in one
    /// job (their positions differ by one), as <c>bench ab</c> makes them.
    /// </summary>
    public static bool Paired(ScenarioResult baseline, ScenarioResult current) =>
        baseline.Launches.Count > 0
        && baseline.Launches.Count == current.Launches.Count
        && baseline.Launches.Zip(current.Launches)
            .All(p => p.First.Position is { } a && p.Second.Position is { } b && Math.Abs(a - b) == 1);

    /// <summary>The verdict for one metric from two independent sets of launch values (a stored baseline, another run).</summary>
    public static GateRow Decide(
        string key,
        GateMetric metric,
        IReadOnlyList<double> baseline,
        IReadOnlyList<double> current,
        GateFile gate)
    {
        var inv = CultureInfo.InvariantCulture;
        var medB = Median(baseline);
        var medC = Median(current);
        var ratio = medB == 0 ? double.NaN : medC / medB;
        var (low, high) = Bootstrap(baseline.Count, current.Count, (b, c) =>
        {
            var mb = Median(Pick(baseline, b));
            return mb == 0 ? double.NaN : Median(Pick(current, c)) / mb;
        });
        // The noise floor: the launch-to-launch spread of the noisier side. A machine that was quiet for the baseline and
        // busy for the current run shows it in the current side's spread.
        var noise = Math.Max(Spread(baseline), Spread(current));
        string? tooFew = null;
        if (baseline.Count < gate.MinLaunches || current.Count < gate.MinLaunches)
        {
            tooFew = string.Create(inv, $"too few launches: {baseline.Count} in the baseline, {current.Count} now; the gate needs"
                + $" {gate.MinLaunches} on each side");
        }
        else if (MannWhitney.SmallestP(baseline.Count, current.Count) >= gate.Alpha)
        {
            var smallest = MannWhitney.SmallestP(baseline.Count, current.Count);
            tooFew = string.Create(inv,
                $"too few launches: with {baseline.Count} against {current.Count} the test cannot reach p < {gate.Alpha} (its smallest p"
                    + $" is {smallest:0.000})");
        }

        var p = MannWhitney.TwoSidedP(baseline, current);
        var (verdict, reason) = Judge(metric, gate, ratio, low, high, p, noise, tooFew, "launch-to-launch noise");
        return new GateRow(key, metric.Name, metric.Unit, medB, medC, ratio, low, high, p, noise, metric.Threshold, verdict, reason);
    }

    /// <summary>
    /// The verdict for one metric from paired launches: launch i of each side ran back to back (<c>bench ab</c>), so a
    /// drift of the machine's speed during the job falls on both. Each pair gives a ratio, current ÷ baseline; the gate
    /// uses the Wilcoxon signed-rank test on their logarithms, their median with a 95 % bootstrap interval, and as the
    /// noise floor their spread.
    /// </summary>
    public static GateRow DecidePaired(
        string key,
        GateMetric metric,
        IReadOnlyList<double> baseline,
        IReadOnlyList<double> current,
        GateFile gate)
    {
        if (baseline.Count != current.Count)
        {
            throw new ArgumentException(
                $"paired launches need as many on each side ({baseline.Count} against {current.Count})",
                nameof(current));
        }

        var inv = CultureInfo.InvariantCulture;
        var ratios = baseline.Zip(current, (b, c) => b == 0 ? double.NaN : c / b).ToList();
        var usable = ratios.All(double.IsFinite);
        Func<IReadOnlyList<double>, double> locate = gate.Estimator == Estimators.HodgesLehmann ? HodgesLehmannRatio : Median;
        var ratio = usable ? locate(ratios) : double.NaN;
        var (low, high) = usable ? Bootstrap(ratios.Count, 0, (r, _) => locate(Pick(ratios, r))) : (double.NaN, double.NaN);
        var noise = usable ? Spread(ratios) : double.NaN;
        var p = usable ? WilcoxonSignedRank.TwoSidedP([.. ratios.Select(r => Math.Log(r))]) : double.NaN;
        string? tooFew = null;
        if (ratios.Count < gate.MinLaunches)
        {
            tooFew = string.Create(inv, $"too few pairs: {ratios.Count}; the gate needs {gate.MinLaunches}");
        }
        else if (WilcoxonSignedRank.SmallestP(ratios.Count) >= gate.Alpha)
        {
            var smallest = WilcoxonSignedRank.SmallestP(ratios.Count);
            tooFew = string.Create(inv,
                $"too few pairs: with {ratios.Count} the test cannot reach p < {gate.Alpha} (its smallest p is {smallest:0.000});"
                    + $" run 6 or more launches of each build");
        }

        var (verdict, reason) = Judge(metric, gate, ratio, low, high, p, noise, tooFew, "pair-to-pair noise");
        return new GateRow(
            key, metric.Name, metric.Unit, Median(baseline), Median(current), ratio, low, high, p, noise, metric.Threshold,
            verdict, reason);
    }

    /// <summary>
    /// Slower or faster only when all agree: p below the significance level; the ratio and its whole 95 % interval beyond
    /// the metric's threshold; the move beyond the noise floor. A significant move for the worse beyond the threshold
    /// but not clear of the noise is inconclusive; anything else is the same.
    /// </summary>
    private static (string Verdict, string Reason) Judge(
        GateMetric metric,
        GateFile gate,
        double ratio,
        double low,
        double high,
        double p,
        double noise,
        string? tooFew,
        string noiseName)
    {
        var inv = CultureInfo.InvariantCulture;
        if (tooFew is not null)
        {
            return (Verdicts.Inconclusive, tooFew);
        }

        if (double.IsNaN(ratio))
        {
            return (Verdicts.Inconclusive, "a baseline value is 0, so there is no ratio");
        }

        var lowerIsBetter = metric.Better == "lower";
        var change = ratio - 1;
        var worse = lowerIsBetter ? change > 0 : change < 0;
        var significant = p < gate.Alpha;
        var beyondThreshold = Math.Abs(change) > metric.Threshold;
        // The whole 95 % interval of the ratio must lie beyond the threshold too, not just its middle.
        var intervalBeyond = change > 0 ? low > 1 + metric.Threshold : high < 1 - metric.Threshold;
        var beyondNoise = Math.Abs(change) > Math.Max(metric.Threshold, noise) && intervalBeyond;
        var interval = string.Create(inv, $"95 % interval {low - 1:+0%;-0%} to {high - 1:+0%;-0%}");
        return (significant, beyondThreshold, beyondNoise) switch
        {
            (true, true, true) => (worse ? Verdicts.Slower : Verdicts.Faster,
                string.Create(inv, $"moved {change:+0.0%;-0.0%} ({interval}), beyond the {metric.Threshold:0%} threshold and the"
                    + $" ±{noise:0.0%} {noiseName}, p = {p:0.000}")),
            (true, true, false) when worse => (Verdicts.Inconclusive,
                string.Create(inv,
                    $"moved {change:+0.0%;-0.0%} (p = {p:0.000}; {interval}), beyond the {metric.Threshold:0%} threshold but not clear of"
                        + $" the ±{noise:0.0%} {noiseName}: too noisy to decide")),
            (false, true, _) => (Verdicts.Same,
                string.Create(inv, $"moved {change:+0.0%;-0.0%}, but not significantly (p = {p:0.000} ≥ {gate.Alpha}): {noiseName}")),
            _ => (Verdicts.Same, string.Create(inv, $"moved {change:+0.0%;-0.0%}, within"
                + $" {(beyondThreshold ? $"the ±{noise:0.0%} {noiseName}" : $"the {metric.Threshold:0%} threshold")}")),
        };
    }

    private static GateRow Exact(string key, string count, ScenarioResult r)
    {
        var launches = r.Launches.Count > 0
            ? r.Launches
            : [new LaunchFigures(0, 0, 0, 0, r.Counts.Sent, r.Counts.Delivered, r.Counts.Lost, r.Counts.Duplicated, r.Counts.Errors)];
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
                : string.Join(", ", bad.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.v:N0} in launch {x.i + 1}")))
                    + "; must be 0 without faults");
    }

    /// <summary>The metrics <c>--normalize</c> adjusts for the probe: the latencies.</summary>
    public static bool Normalizable(string metric) => metric.StartsWith("latency.", StringComparison.Ordinal);

    /// <summary>The launch values of a metric; a result without launches counts as one launch.</summary>
    public static IReadOnlyList<double> Values(ScenarioResult r, string metric)
    {
        return [.. LaunchesOf(r).Select(l => metric switch
        {
            "latency.p50" => l.P50Us,
            "latency.p99" => l.P99Us,
            "latency.p90" => l.P90Us ?? double.NaN,
            "throughput.achieved" => l.AchievedPerSec,
            "target.cpuUsPerEvent" => l.TargetCpuUsPerEvent,
            _ => double.NaN,
        })];
    }

    private static IEnumerable<LaunchFigures> LaunchesOf(ScenarioResult r) => r.Launches.Count > 0 ? r.Launches : [FromSummary(r)];

    private static bool Probed(ScenarioResult r) => LaunchesOf(r).All(l => l.ProbeP50Us is > 0);

    private static double[] Probes(ScenarioResult r) => [.. LaunchesOf(r).Select(l => (double)l.ProbeP50Us!.Value)];

    public static LaunchFigures FromSummary(ScenarioResult r) => new(
        r.LatencyUs.P50, r.LatencyUs.P99, r.Throughput.AchievedPerSec,
        r.Counts.Delivered == 0 ? double.NaN : Math.Round(r.Target.CpuSeconds * 1e6 / r.Counts.Delivered, 2),
        r.Counts.Sent, r.Counts.Delivered, r.Counts.Lost, r.Counts.Duplicated, r.Counts.Errors, ProbeP50Us: r.Probe?.P50Us);

    public static string CaseKey(ScenarioResult r) => $"{r.Scenario}/{r.Transport}{(r.Variant == "default" ? "" : "/" + r.Variant)}";

    private static Dictionary<string, ScenarioResult> Cases(RunResults run) =>
        run.Results.Where(r => r.IsMeasured && r.Resilience is null && r.Saturation is null && r.Connections is null && r.Wire is null)
            .GroupBy(CaseKey).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    /// <summary>
    /// Launch-to-launch spread, relative to the median: 1.4826 × the median absolute deviation (a standard deviation
    /// for normal noise, but one stray launch does not set it, and it does not grow with the number of launches as a
    /// range does).
    /// </summary>
    public static double Spread(IReadOnlyList<double> values)
    {
        var median = Median(values);
        return median == 0 ? 0 : 1.4826 * Median([.. values.Select(v => Math.Abs((v / median) - 1))]);
    }

    /// <summary>
    /// The Hodges–Lehmann estimate of a ratio's centre: the median of the pairwise means (Walsh averages, each ratio with
    /// itself included) of the ratios' logarithms, taken back out of the logarithm.
    /// </summary>
    public static double HodgesLehmannRatio(IReadOnlyList<double> ratios)
    {
        var n = ratios.Count;
        if (n == 0)
        {
            return double.NaN;
        }

        Span<double> logs = n <= 256 ? stackalloc double[n] : new double[n];
        for (var i = 0; i < n; i++)
        {
            logs[i] = Math.Log(ratios[i]);
        }

        var count = n * (n + 1) / 2;
        var walsh = System.Buffers.ArrayPool<double>.Shared.Rent(count);
        try
        {
            var k = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = i; j < n; j++)
                {
                    walsh[k++] = (logs[i] + logs[j]) / 2;
                }
            }

            Array.Sort(walsh, 0, count);
            var mid = count / 2;
            return Math.Exp(count % 2 == 1 ? walsh[mid] : (walsh[mid - 1] + walsh[mid]) / 2);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(walsh);
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// A 95 % bootstrap interval of a statistic (2,000 resamples, fixed seed: the same inputs give the same interval).
    /// <paramref name="statistic"/> gets the resampled indexes of each side; a NaN it returns is left out.
    /// </summary>
    private static (double Low, double High) Bootstrap(int first, int second, Func<int[], int[], double> statistic)
    {
        var random = new Random(20261127);
        var values = new List<double>(2000);
        var a = new int[first];
        var b = new int[second];
        for (var i = 0; i < 2000; i++)
        {
            for (var k = 0; k < a.Length; k++)
            {
                a[k] = random.Next(first);
            }

            for (var k = 0; k < b.Length; k++)
            {
                b[k] = random.Next(second);
            }

            var v = statistic(a, b);
            if (!double.IsNaN(v))
            {
                values.Add(v);
            }
        }

        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        values.Sort();
        return (values[(int)(0.025 * (values.Count - 1))], values[(int)Math.Ceiling(0.975 * (values.Count - 1))]);
    }

    private static double[] Pick(IReadOnlyList<double> values, int[] indexes) => [.. indexes.Select(i => values[i])];

    private static string List(IReadOnlyCollection<string> keys) => keys.Count == 0 ? "none" : string.Join(", ", keys);
}
