using Bench.Reports.Gate;
using Bench.Reports.Model;

namespace Bench.Reports.Tests.Gate;

public sealed class GateTests
{
    private static readonly GateMetric P50 = GateFile.Default.Metrics[0];
    private static readonly GateMetric Achieved = GateFile.Default.Metrics[2];

    [Fact]
    public void Mann_Whitney_gives_the_exact_two_sided_p_value()
    {
        // Every one of one sample above every one of the other: the most extreme of C(10,5) = 252 arrangements, twice.
        Assert.Equal(2.0 / 252, MannWhitney.TwoSidedP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]), 12);

        // U = 3 of 25: P(U ≤ 3) = (1 + 1 + 2 + 3) / 252 for 5 and 5.
        Assert.Equal(2 * 7.0 / 252, MannWhitney.TwoSidedP([1, 2, 3, 5, 7], [4, 6, 8, 9, 10]), 12);
        // U = 10 of 25: P(U ≤ 10) = 87 / 252, two-sided 174 / 252 (scipy: 0.6905).
        Assert.Equal(174.0 / 252, MannWhitney.TwoSidedP([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]), 12);
        Assert.Equal(1.0, MannWhitney.TwoSidedP([5, 5, 5], [5, 5, 5]), 12);
    }

    [Fact]
    public void A_clear_regression_is_slower()
    {
        var row = GateComparer.Decide("rtt/websocket", P50, [1000, 1010, 990, 1005, 995], [1300, 1310, 1290, 1305, 1295], GateFile.Default);

        Assert.Equal(Verdicts.Slower, row.Verdict);
        Assert.Equal(1.30, row.Ratio, 3);
        Assert.Equal(2.0 / 252, row.PValue, 6);
        Assert.True(row.RatioLow > 1.2 && row.RatioHigh < 1.4, $"{row.RatioLow}–{row.RatioHigh}");
    }

    [Fact]
    public void A_clear_improvement_is_faster_and_throughput_counts_higher_as_better()
    {
        Assert.Equal(
            Verdicts.Faster,
            GateComparer.Decide("c", P50, [1000, 1010, 990, 1005, 995], [700, 710, 690, 705, 695], GateFile.Default).Verdict);
        Assert.Equal(
            Verdicts.Slower,
            GateComparer.Decide("c", Achieved, [1000, 1001, 999, 1000, 1000], [800, 801, 799, 800, 802], GateFile.Default).Verdict);
        Assert.Equal(
            Verdicts.Faster,
            GateComparer.Decide("c", Achieved, [1000, 1001, 999, 1000, 1002], [1200, 1201, 1199, 1200, 1202], GateFile.Default).Verdict);
    }

    [Fact]
    public void Pure_noise_is_the_same()
    {
        var row = GateComparer.Decide("c", P50, [1000, 1040, 960, 1020, 980], [1010, 970, 1030, 990, 1000], GateFile.Default);

        Assert.Equal(Verdicts.Same, row.Verdict);
        Assert.True(row.PValue > 0.5);
    }

    [Fact]
    public void A_significant_move_for_the_worse_within_the_baselines_own_noise_is_inconclusive()
    {
        // +14 %, every launch above every baseline launch, but the baseline's launches themselves spread by ±15 %.
        var noisy = GateComparer.Decide("c", P50, [700, 850, 1000, 1050, 1100], [1120, 1130, 1140, 1150, 1160], GateFile.Default);

        Assert.Equal(Verdicts.Inconclusive, noisy.Verdict);
        Assert.Contains("not clear of the ±14.8% launch-to-launch noise", noisy.Reason, StringComparison.Ordinal);

        // One stray launch does not make a baseline noisy: the spread is 1.4826 × the median absolute deviation.
        Assert.Equal(1.4826 * 0.01, GateComparer.Spread([600, 990, 1000, 1005, 1010]), 9);
    }

    [Fact]
    public void A_large_move_the_test_does_not_find_significant_passes_as_noise()
    {
        var overlapping = GateComparer.Decide("c", P50, [1000, 1300, 1000, 1300, 1000], [1300, 1000, 1300, 1300, 1300], GateFile.Default);

        Assert.Equal(Verdicts.Same, overlapping.Verdict);
        Assert.Contains("not significantly", overlapping.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_launches_are_inconclusive_however_large_the_move()
    {
        var row = GateComparer.Decide("c", P50, [1000, 1000], [5000, 5000, 5000, 5000, 5000], GateFile.Default);

        Assert.Equal(Verdicts.Inconclusive, row.Verdict);
        Assert.Equal("too few launches: 2 in the baseline, 5 now; the gate needs 4 on each side", row.Reason);
    }

    [Fact]
    public void Wilcoxon_signed_rank_gives_the_exact_two_sided_p_value()
    {
        // Hollander and Wolfe's depression scores (R's wilcox.test example): V = 40 of 45, p = 2 · 10 / 512.
        double[] x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        double[] y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
        var d = x.Zip(y, (a, b) => a - b).ToList();
        Assert.Equal(40, WilcoxonSignedRank.WPlus(d));
        Assert.Equal(20.0 / 512, WilcoxonSignedRank.TwoSidedP(d), 12);

        // All of one sign: the most extreme of 2^n sign assignments, twice.
        Assert.Equal(2.0 / 64, WilcoxonSignedRank.TwoSidedP([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), 12);
        Assert.Equal(2.0 / 32, WilcoxonSignedRank.TwoSidedP([-0.1, -0.2, -0.3, -0.4, -0.5]), 12);
        Assert.Equal(2.0 / 32, WilcoxonSignedRank.SmallestP(5), 12);

        // Tied magnitudes share ranks (1.5, 1.5, 3.5, 3.5): W+ = 8.5, and 3 of the 16 assignments reach it.
        Assert.Equal(8.5, WilcoxonSignedRank.WPlus([1, -1, 2, 2]));
        Assert.Equal(6.0 / 16, WilcoxonSignedRank.TwoSidedP([1, -1, 2, 2]), 12);
        Assert.Equal(1.0, WilcoxonSignedRank.TwoSidedP([0, 0, 0]), 12);
    }

    [Fact]
    public void Paired_launches_see_a_regression_through_drift_that_hides_it_from_independent_ones()
    {
        // The machine slows by 50 % over the job; head is 20 % slower than base launch for launch.
        double[] drift = [1000, 1100, 1200, 1300, 1400, 1500];
        double[] wobble = [1.00, 1.02, 0.99, 1.01, 0.98, 1.00];
        var baseline = drift.Select((v, i) => v * wobble[i]).ToList();
        var current = drift.Select((v, i) => v * 1.2 * wobble[(i + 3) % 6]).ToList();

        var paired = GateComparer.DecidePaired("c", P50, baseline, current, GateFile.Default);
        var independent = GateComparer.Decide("c", P50, baseline, current, GateFile.Default);

        Assert.Equal(Verdicts.Slower, paired.Verdict);
        Assert.Equal(2.0 / 64, paired.PValue, 12);
        Assert.InRange(paired.Ratio, 1.17, 1.23);
        Assert.Equal(Verdicts.Same, independent.Verdict);
    }

    [Fact]
    public void Paired_launches_of_one_build_under_drift_are_the_same()
    {
        double[] baseline = [1000, 1100, 1200, 1300, 1400, 1500];
        double[] current = [1020, 1089, 1212, 1287, 1414, 1515];

        var row = GateComparer.DecidePaired("c", P50, baseline, current, GateFile.Default);

        Assert.Equal(Verdicts.Same, row.Verdict);
        Assert.Contains("within the 10% threshold", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hodges_Lehmann_takes_the_median_of_the_pairwise_means_of_the_logarithms()
    {
        // ln 1, ln 2, ln 4: Walsh averages 0, ½, 1, 1, 1½, 2 (× ln 2), median 1 × ln 2.
        Assert.Equal(2.0, GateComparer.HodgesLehmannRatio([1, 2, 4]), 12);
        Assert.Equal(1.25, GateComparer.HodgesLehmannRatio([1.25, 1.25, 1.25]), 12);

        // One wild pair moves the mean of the logarithms far more than it moves Hodges–Lehmann.
        double[] ratios = [1.20, 1.21, 1.19, 1.22, 1.18, 1.20, 9.0];
        Assert.InRange(GateComparer.HodgesLehmannRatio(ratios), 1.19, 1.22);
    }

    [Fact]
    public void The_paired_gate_sums_pair_ratios_up_by_the_estimator_its_file_names()
    {
        double[] baseline = [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];
        double[] current = [1100, 1300, 1310, 1320, 1330, 1340, 1350, 2000];
        var hl = new GateFile { Estimator = Estimators.HodgesLehmann };

        var byMedian = GateComparer.DecidePaired("c", P50, baseline, current, GateFile.Default);
        var byHl = GateComparer.DecidePaired("c", P50, baseline, current, hl);

        Assert.Equal(1.325, byMedian.Ratio, 9);
        Assert.Equal(GateComparer.HodgesLehmannRatio([.. current.Select(c => c / 1000)]), byHl.Ratio, 12);
        Assert.NotEqual(byMedian.Ratio, byHl.Ratio);
        Assert.Equal(byMedian.PValue, byHl.PValue, 12);
    }

    [Fact]
    public void Too_few_launches_to_reach_significance_are_inconclusive_not_the_same()
    {
        // Five pairs all 50 % slower: the signed-rank test's smallest p is 2/32 = 0.0625, so it can never decide.
        var pairs = GateComparer.DecidePaired("c", P50, [1000, 1000, 1000, 1000, 1000], [1500, 1510, 1490, 1505, 1495], GateFile.Default);
        Assert.Equal(Verdicts.Inconclusive, pairs.Verdict);
        Assert.Contains("cannot reach p < 0.05 (its smallest p is 0.063)", pairs.Reason, StringComparison.Ordinal);

        // Three against three independent launches: 2 / C(6, 3) = 0.1, even with a lower minimum of launches.
        var lenient = new GateFile { MinLaunches = 3 };
        var three = GateComparer.Decide("c", P50, [1000, 1001, 999], [1500, 1501, 1499], lenient);
        Assert.Equal(Verdicts.Inconclusive, three.Verdict);
        Assert.Contains("the test cannot reach p < 0.05 (its smallest p is 0.100)", three.Reason, StringComparison.Ordinal);
        Assert.Equal(2.0 / 70, MannWhitney.SmallestP(4, 4), 12);
    }

    [Fact]
    public void Launches_at_neighbouring_positions_are_compared_as_pairs()
    {
        LaunchFigures[] Side(double factor, int first) =>
            [
                .. Enumerable.Range(0, 6).Select(i => Launch((long)((1000 + (100 * i)) * factor)) with
                {
                    Position = (2 * i) + (i % 2 == 0 ? first : 1 - first) + 1,
                }),
            ];

        var report = GateComparer.Compare(Run(Side(1, 0)), Run(Side(1.3, 1)), GateFile.Default);

        Assert.True(report.Paired);
        Assert.Equal(Verdicts.Slower, report.Rows.Single(r => r.Metric == "latency.p50").Verdict);
        Assert.False(GateComparer.Compare(Run(Side(1, 0)), Run(Side(1, 0)), GateFile.Default).Paired);
        Assert.Contains("Wilcoxon signed-rank", GateOutput.Markdown(report, "base", "head"), StringComparison.Ordinal);
    }

    [Fact]
    public void Normalizing_removes_the_launch_to_launch_noise_the_probe_explains_and_keeps_the_difference()
    {
        // Each launch's machine state moves the case and the loopback probe beside it alike; the head is 15 % slower.
        double[] before = [0.8, 1.0, 1.3, 0.9, 1.1];
        double[] after = [1.25, 0.85, 1.0, 1.2, 0.95];
        var baseline = Run([.. before.Select(f => Launch((long)(1000 * f)) with { ProbeP50Us = (long)(100 * f) })]);
        var current = Run([.. after.Select(f => Launch((long)(1150 * f)) with { ProbeP50Us = (long)(100 * f) })]);

        var plain = GateComparer.Compare(baseline, current, GateFile.Default).Rows.Single(r => r.Metric == "latency.p50");
        var normalized = GateComparer.Compare(baseline, current, GateFile.Default with { Normalize = true })
            .Rows.Single(r => r.Metric == "latency.p50");

        Assert.Equal(Verdicts.Same, plain.Verdict);
        Assert.Equal(Verdicts.Slower, normalized.Verdict);
        // With the probe's noise divided out, what is left is the code's own 15 %.
        Assert.InRange(normalized.Ratio, 1.14, 1.16);
        Assert.EndsWith("launches adjusted for the loopback probe (slope 1.00)", normalized.Reason, StringComparison.Ordinal);

        // The same launches on both sides are the same.
        var same = GateComparer.Compare(baseline, baseline, GateFile.Default with { Normalize = true })
            .Rows.Single(r => r.Metric == "latency.p50");
        Assert.Equal(Verdicts.Same, same.Verdict);
    }

    [Fact]
    public void Normalizing_needs_a_probe_on_both_sides()
    {
        var probed = Run([.. new long[] { 1000, 1010, 990, 1005 }.Select(p => Launch(p) with { ProbeP50Us = 100 })]);

        var report = GateComparer.Compare(
            Run([Launch(1000), Launch(1000), Launch(1000), Launch(1000)]), probed, GateFile.Default with { Normalize = true });

        Assert.Equal(2, report.ExitCode);
        Assert.Contains(
            "--normalize: the baseline has no loopback probe for rtt/websocket (runs of the ci profile measure it)", report.Problems);
        var markdown = GateOutput.Markdown(GateComparer.Compare(probed, probed, GateFile.Default with { Normalize = true }), "a", "b");
        Assert.Contains("adjusted for each launch's loopback echo probe", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_exact_count_is_a_regression_whatever_the_latency()
    {
        var baseline = Run([Launch(1000), Launch(1000), Launch(1000), Launch(1000)]);
        var current = Run([Launch(1000), Launch(1000, lost: 3), Launch(1000), Launch(1000)]);

        var report = GateComparer.Compare(baseline, current, GateFile.Default);

        var lost = report.Rows.Single(r => r.Metric == "counts.lost");
        Assert.Equal(Verdicts.Broken, lost.Verdict);
        Assert.Equal("3 in launch 2; must be 0 without faults", lost.Reason);
        Assert.Equal(Verdicts.Same, report.Rows.Single(r => r.Metric == "latency.p50").Verdict);
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public void Exit_codes_are_0_same_1_slower_3_inconclusive_2_incomparable()
    {
        var baseline = Run([Launch(1000), Launch(1010), Launch(990), Launch(1005), Launch(995)]);
        Assert.Equal(0, GateComparer.Compare(baseline, baseline, GateFile.Default).ExitCode);
        var slower = Run([Launch(1500), Launch(1510), Launch(1490), Launch(1505), Launch(1495)]);
        Assert.Equal(1, GateComparer.Compare(baseline, slower, GateFile.Default).ExitCode);
        Assert.Equal(3, GateComparer.Compare(baseline, Run([Launch(1500), Launch(1510)]), GateFile.Default).ExitCode);

        var other = Run([Launch(1000)]) with { Results = [Run([Launch(1000)]).Results[0] with { Scenario = "push" }] };
        var mismatched = GateComparer.Compare(baseline, other, GateFile.Default);
        Assert.Equal(2, mismatched.ExitCode);
        Assert.Equal(
            "the runs measured different scenarios: only in the baseline: rtt/websocket; only in the current run: push/websocket",
            mismatched.Problems.Single());
    }

    [Fact]
    public void A_baseline_missing_a_metric_cannot_be_compared()
    {
        var baseline = Run([Launch(1000) with { TargetCpuUsPerEvent = double.NaN }, Launch(1000), Launch(1000), Launch(1000)]);

        var report = GateComparer.Compare(baseline, Run([Launch(1000), Launch(1000), Launch(1000), Launch(1000)]), GateFile.Default);

        Assert.Equal(2, report.ExitCode);
        Assert.Contains("the baseline has no 'target.cpuUsPerEvent' for rtt/websocket", report.Problems);
    }

    [Fact]
    public void A_gate_file_with_an_unknown_metric_or_a_foreign_json_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("bench-gate-").FullName;
        try
        {
            var unknown = Path.Combine(dir, "unknown.json");
            File.WriteAllText(
                unknown, """{ "metrics": [ { "name": "latency.p42", "unit": "µs", "better": "lower", "threshold": 0.1 } ] }""");
            var e = Assert.Throws<InvalidDataException>(() => GateFile.Read(unknown));
            Assert.Contains("unknown metric 'latency.p42'", e.Message, StringComparison.Ordinal);

            var foreign = Path.Combine(dir, "foreign.json");
            File.WriteAllText(foreign, "[1, 2, 3]");
            Assert.Throws<InvalidDataException>(() => GateFile.Read(foreign));

            var estimator = Path.Combine(dir, "estimator.json");
            File.WriteAllText(estimator, """{ "estimator": "mean", "metrics": [], "exactCounts": [] }""");
            Assert.Contains("estimator must be 'median' or 'hodges-lehmann', not 'mean'",
                Assert.Throws<InvalidDataException>(() => GateFile.Read(estimator)).Message, StringComparison.Ordinal);
            File.WriteAllText(estimator, """{ "metrics": [], "exactCounts": [] }""");
            Assert.Equal(Estimators.Median, GateFile.Read(estimator).Estimator);

            var roundTrip = Path.Combine(dir, "default.json");
            File.WriteAllText(roundTrip, GateFile.Default.ToJson());
            Assert.Equal(GateFile.Default.Metrics, GateFile.Read(roundTrip).Metrics);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static LaunchFigures Launch(long p50, long lost = 0) => new(p50, p50 * 4, 500, 120, 2500, 2500, lost, 0, 0);

    internal static RunResults Run(IReadOnlyList<LaunchFigures> launches) => Fixtures.Run() with
    {
        Results = [Fixtures.Result("rtt", "websocket", 1000) with { Launches = [.. launches] }],
    };
}
