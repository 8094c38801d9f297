using System.Globalization;
using Bench.Reports.Gate;

namespace Bench.Harness.Calibration;

/// <summary>
/// A rule set <c>bench calibrate --run</c> tries: its name, the metrics it gates with their thresholds, and how pair
/// ratios are summed up (<see cref="GateFile.Estimator"/>).
/// </summary>
public sealed record GateCandidate(string Name, IReadOnlyList<GateMetric> Metrics, string Estimator = Estimators.Median)
{
    public bool IsBuiltIn => Name == GateCandidates.BuiltInName;

    /// <summary>The gate file of these rules: the built-in rules for interleaved blocks with these metrics.</summary>
    public GateFile ToGateFile() => new()
    {
        Alpha = GateFile.Interleaved.Alpha,
        MinLaunches = GateFile.Interleaved.MinLaunches,
        Estimator = Estimator,
        Metrics = [.. Metrics],
        ExactCounts = [.. GateFile.Interleaved.ExactCounts],
    };
}

/// <summary>What one rule set did over the same draws of the three pools: exits 0, 1, 2, 3 of each.</summary>
public sealed record CandidateRates(GateCandidate Candidate, int Draws, int[] AaExits, int[] BurnExits, int[] WaitExits)
{
    /// <summary>The goals for A/A draws: no exit 1 at all, and exit 3 in fewer than 5 % of them.</summary>
    public bool MeetsGoals => AaExits[ExitCodes.Regression] == 0 && AaExits[ExitCodes.Inconclusive] * 20 < Draws;
}

/// <summary>
/// The rule sets <c>bench calibrate --run</c> tries, and how it chooses among them. The grid varies what the built-in
/// interleaved rules (target CPU per event 15 %, p50 20 %) rest on: p50 at 10 % (what whole launches use), 15 %, 20 % and
/// 30 % — the only gate for a slowdown that waits without burning CPU, so its threshold trades waits caught against A/A
/// inconclusive draws; CPU per event at 10 %, 15 % and 20 %, around the pair ratios' A/A spread of 8–19 % measured
/// here (docs/ci.md); the built-in rules with p90 beside them at 20 % or 30 %, since a wait may show in the tail first;
/// latency alone (p50 at 10, 15 or 20 %; p50 and p90 at 20 %), which says whether latency by itself sees a wait; and four
/// of these summed up by Hodges–Lehmann instead of the median of the pair ratios (<see cref="Estimators"/>).
/// </summary>
public static class GateCandidates
{
    public const string BuiltInName = "built in";

    private const string HodgesLehmannName = "Hodges–Lehmann";

    public static IReadOnlyList<GateCandidate> Grid()
    {
        var builtIn = new GateCandidate(BuiltInName, GateFile.Interleaved.Metrics);
        var grid = new List<GateCandidate> { builtIn };
        foreach (var cpu in new[] { 0.10, 0.15, 0.20 })
        {
            foreach (var p50 in new[] { 0.10, 0.15, 0.20, 0.30 })
            {
                var metrics = new[] { Cpu(cpu), new GateMetric("latency.p50", "µs", "lower", p50) };
                if (!SameThresholds(metrics, builtIn.Metrics))
                {
                    grid.Add(new GateCandidate(Describe(metrics), metrics));
                }
            }
        }

        foreach (var p90 in new[] { 0.20, 0.30 })
        {
            GateMetric[] metrics = [.. builtIn.Metrics, new GateMetric("latency.p90", "µs", "lower", p90)];
            grid.Add(new GateCandidate(Describe(metrics), metrics));
        }

        // Latency alone: what the gate would see of a slowdown if target CPU per event did not move (a wait's timer
        // wake-ups cost CPU too, so the rule sets above may catch a wait by its CPU rather than by its latency).
        foreach (var p50 in new[] { 0.10, 0.15, 0.20 })
        {
            GateMetric[] metrics = [new GateMetric("latency.p50", "µs", "lower", p50)];
            grid.Add(new GateCandidate(Describe(metrics), metrics));
        }

        GateMetric[] tail = [new GateMetric("latency.p50", "µs", "lower", 0.20), new GateMetric("latency.p90", "µs", "lower", 0.20)];
        grid.Add(new GateCandidate(Describe(tail), tail));

        // The same rules summed up by Hodges–Lehmann instead of the median of the pair ratios: the built-in rules, p50 at
        // 15 % beside CPU, and p50 alone at 15 and 20 %.
        foreach (var metrics in new GateMetric[][]
        {
            [.. builtIn.Metrics], [Cpu(0.15), P50(0.15)], [P50(0.15)], [P50(0.20)],
        })
        {
            grid.Add(new GateCandidate(Describe(metrics) + ", " + HodgesLehmannName, metrics, Estimators.HodgesLehmann));
        }

        return grid;
    }

    /// <summary>"CPU 15 %, p50 20 %": the metrics and thresholds of a rule set.</summary>
    public static string Describe(IEnumerable<GateMetric> metrics) => string.Join(", ", metrics.Select(m =>
        string.Create(CultureInfo.InvariantCulture, $"{ShortName(m.Name)} {m.Threshold * 100:0.#} %")));

    private static string ShortName(string metric) =>
        metric == "target.cpuUsPerEvent" ? "CPU" : metric.Replace("latency.", "", StringComparison.Ordinal);

    /// <summary>
    /// The chosen rule set, or null when none meets the goals (<see cref="CandidateRates.MeetsGoals"/>): of those that
    /// do, the most waits caught (exit 1), then the most burns; ties go to the built-in rules, then to the fewest A/A
    /// exit 3, then to the earlier in the grid. The reason says why, in a sentence.
    /// </summary>
    public static (CandidateRates? Chosen, string Reason) Choose(IReadOnlyList<CandidateRates> rates)
    {
        var meeting = rates.Where(r => r.MeetsGoals).ToList();
        if (meeting.Count == 0)
        {
            return (null, "no rule set met the goals (A/A: no exit 1, and exit 3 in under 5 % of draws)");
        }

        var best = meeting.OrderByDescending(r => r.WaitExits[ExitCodes.Regression])
            .ThenByDescending(r => r.BurnExits[ExitCodes.Regression]).First();
        var tied = meeting.Where(r => r.WaitExits[ExitCodes.Regression] == best.WaitExits[ExitCodes.Regression]
            && r.BurnExits[ExitCodes.Regression] == best.BurnExits[ExitCodes.Regression]).ToList();
        var chosen = tied.FirstOrDefault(r => r.Candidate.IsBuiltIn) ?? tied.OrderBy(r => r.AaExits[ExitCodes.Inconclusive]).First();
        var of = string.Create(CultureInfo.InvariantCulture, $"{meeting.Count} of {rates.Count} rule sets met the goals");
        var caught = string.Create(CultureInfo.InvariantCulture,
            $"{chosen.WaitExits[ExitCodes.Regression]} of {chosen.Draws} waits and {chosen.BurnExits[ExitCodes.Regression]} of " +
            $"{chosen.Draws} burns caught");
        var why = tied.Count == 1 ? "it caught the most waits, then burns"
            : chosen.Candidate.IsBuiltIn ? $"it tied with {tied.Count - 1} other(s) on detection and the built-in rules win ties"
            : $"it tied with {tied.Count - 1} other(s) on detection and had the fewest A/A exit 3";
        return (chosen, $"{of}; {chosen.Candidate.Name}: {why} ({caught})");
    }

    private static GateMetric Cpu(double threshold) => new("target.cpuUsPerEvent", "µs", "lower", threshold);

    private static GateMetric P50(double threshold) => new("latency.p50", "µs", "lower", threshold);

    private static bool SameThresholds(IReadOnlyList<GateMetric> a, IReadOnlyList<GateMetric> b) =>
        a.Count == b.Count && a.All(m => b.Any(o => o.Name == m.Name && Math.Abs(o.Threshold - m.Threshold) < 1e-9));
}
