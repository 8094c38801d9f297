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
        Assert.Equal(Verdicts.Faster, GateComparer.Decide("c", P50, [1000, 1010, 990, 1005, 995], [700, 710, 690, 705, 695], GateFile.Default).Verdict);
        Assert.Equal(Verdicts.Slower, GateComparer.Decide("c", Achieved, [1000, 1001, 999, 1000, 1000], [800, 801, 799, 800, 802], GateFile.Default).Verdict);
        Assert.Equal(Verdicts.Faster, GateComparer.Decide("c", Achieved, [1000, 1001, 999, 1000, 1002], [1200, 1201, 1199, 1200, 1202], GateFile.Default).Verdict);
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
        // +14 %, every launch above every baseline launch, but the baseline itself ranged over ±20 %.
        var noisy = GateComparer.Decide("c", P50, [600, 990, 1000, 1005, 1010], [1120, 1130, 1140, 1150, 1160], GateFile.Default);

        Assert.Equal(Verdicts.Inconclusive, noisy.Verdict);
        Assert.Contains("not clear of the ±20.5% launch-to-launch noise", noisy.Reason, StringComparison.Ordinal);
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
        Assert.Equal("too few launches: 2 in the baseline, 5 now; the gate needs 3 on each side", row.Reason);
    }

    [Fact]
    public void A_broken_exact_count_is_a_regression_whatever_the_latency()
    {
        var baseline = Run([Launch(1000), Launch(1000), Launch(1000)]);
        var current = Run([Launch(1000), Launch(1000, lost: 3), Launch(1000)]);

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
        Assert.Equal(1, GateComparer.Compare(baseline, Run([Launch(1500), Launch(1510), Launch(1490), Launch(1505), Launch(1495)]), GateFile.Default).ExitCode);
        Assert.Equal(3, GateComparer.Compare(baseline, Run([Launch(1500), Launch(1510)]), GateFile.Default).ExitCode);

        var other = Run([Launch(1000)]) with { Results = [Run([Launch(1000)]).Results[0] with { Scenario = "push" }] };
        var mismatched = GateComparer.Compare(baseline, other, GateFile.Default);
        Assert.Equal(2, mismatched.ExitCode);
        Assert.Equal("the runs measured different scenarios: only in the baseline: rtt/websocket; only in the current run: push/websocket", mismatched.Problems.Single());
    }

    [Fact]
    public void A_baseline_missing_a_metric_cannot_be_compared()
    {
        var baseline = Run([Launch(1000) with { TargetCpuUsPerEvent = double.NaN }, Launch(1000), Launch(1000)]);

        var report = GateComparer.Compare(baseline, Run([Launch(1000), Launch(1000), Launch(1000)]), GateFile.Default);

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
            File.WriteAllText(unknown, """{ "metrics": [ { "name": "latency.p42", "unit": "µs", "better": "lower", "threshold": 0.1 } ] }""");
            var e = Assert.Throws<InvalidDataException>(() => GateFile.Read(unknown));
            Assert.Contains("unknown metric 'latency.p42'", e.Message, StringComparison.Ordinal);

            var foreign = Path.Combine(dir, "foreign.json");
            File.WriteAllText(foreign, "[1, 2, 3]");
            Assert.Throws<InvalidDataException>(() => GateFile.Read(foreign));

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
