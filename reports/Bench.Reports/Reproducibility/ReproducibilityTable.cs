using System.Globalization;
using System.Text;
using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.Reproducibility;

/// <summary>One verdict metric across launches: what each launch named, contradictions, and interval coverage.</summary>
/// <param name="Scenario">The scenario of the at-a-glance row.</param>
/// <param name="Metric">The row's metric.</param>
/// <param name="Named">What each launch's row said: the clear best, or "no clear difference" or "one measurement".</param>
/// <param name="Contradictions">Pairs of launches where one names A clearly better than B and the other B clearly better than A.</param>
/// <param name="Covered">Launch × transport intervals (ratio to the reference) that cover the median ratio of the other launches.</param>
/// <param name="Intervals">Launch × transport intervals that were checked.</param>
/// <param name="Examples">The first contradictions, in words.</param>
public sealed record MetricAgreement(
    string Scenario,
    string Metric,
    IReadOnlyList<string> Named,
    int Contradictions,
    int Covered,
    int Intervals,
    IReadOnlyList<string> Examples);

/// <summary>
/// How often launches of one comparison agree (<c>bench reproduce</c>): for every at-a-glance row, the winner each
/// launch named; contradictions (launch i names A clearly better than B, launch j names B clearly better than A —
/// "clearly" meaning the ratio's 95 % interval lies wholly beyond the tie band); and how often one launch's interval of
/// a transport's ratio to the reference covers the median of the other launches' ratios.
/// </summary>
public static class ReproducibilityTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<MetricAgreement> Compare(IReadOnlyList<RunResults> launches)
    {
        var decided = launches.Select(l => MarkdownReport.Decisions(l)).ToList();
        var keys = decided.SelectMany(d => d.Select(o => (o.Scenario, o.Metric))).Distinct().ToList();
        var rows = new List<MetricAgreement>();
        foreach (var (scenario, metric) in keys)
        {
            var outcomes = decided.Select(d => d.FirstOrDefault(o => o.Scenario == scenario && o.Metric == metric)).ToList();
            var named = outcomes.Select(o => o switch
            {
                null => "–",
                { Low: null } => "one measurement",
                { Clear: true } => o.Best,
                _ => "no clear difference",
            }).ToList();
            var relations = outcomes.Select(Relations).ToList();
            var contradictions = 0;
            var examples = new List<string>();
            for (var i = 0; i < relations.Count; i++)
            {
                for (var j = i + 1; j < relations.Count; j++)
                {
                    foreach (var (better, worse) in relations[i].Where(r => relations[j].Contains((r.Worse, r.Better))))
                    {
                        contradictions++;
                        if (examples.Count < 3)
                        {
                            examples.Add($"launch {i + 1}: {better} clearly better than {worse}; launch {j + 1}: the reverse");
                        }
                    }
                }
            }

            var (covered, intervals) = Coverage(outcomes);
            rows.Add(new MetricAgreement(scenario, metric, named, contradictions, covered, intervals, examples));
        }

        return rows;
    }

    /// <summary>
    /// Every (better, worse) pair a launch's row states clearly: the best over each transport clearly behind it, and
    /// clear ratios to the reference.
    /// </summary>
    private static HashSet<(string Better, string Worse)> Relations(RowOutcome? o)
    {
        var set = new HashSet<(string, string)>();
        if (o is null || o.Low is null)
        {
            return set;
        }

        foreach (var behind in o.ClearlyBehind)
        {
            set.Add((o.Best, behind.Transport));
        }

        if (o.Reference is { } reference)
        {
            foreach (var (transport, _, low, high) in o.VsReference)
            {
                // A ratio is the transport's figure over the reference's; which side is better follows the metric's direction.
                var above = RowOutcome.IsClear(low);
                var below = high > 0 && RowOutcome.IsClear(1 / high);
                if (above || below)
                {
                    var transportBetter = above == o.HigherIsBetter;
                    set.Add(transportBetter ? (transport, reference) : (reference, transport));
                }
            }
        }

        return set;
    }

    private static (int Covered, int Intervals) Coverage(IReadOnlyList<RowOutcome?> outcomes)
    {
        var covered = 0;
        var total = 0;
        var transports = outcomes.Where(o => o is not null).SelectMany(o => o!.VsReference.Select(v => v.Transport)).Distinct().ToList();
        foreach (var transport in transports)
        {
            var points = outcomes.Select(o => o?.VsReference.FirstOrDefault(v => v.Transport == transport)).ToList();
            for (var i = 0; i < points.Count; i++)
            {
                if (points[i] is not { } mine || !double.IsFinite(mine.Low) || !double.IsFinite(mine.High))
                {
                    continue;
                }

                var others = points.Where((p, j) => j != i && p is not null).Select(p => p!.Value.Ratio).Order().ToList();
                if (others.Count == 0)
                {
                    continue;
                }

                var median = others.Count % 2 == 1
                    ? others[others.Count / 2]
                    : (others[(others.Count / 2) - 1] + others[others.Count / 2]) / 2;
                total++;
                if (median >= mine.Low && median <= mine.High)
                {
                    covered++;
                }
            }
        }

        return (covered, total);
    }

    /// <summary>The table as markdown: one row per metric, then the totals.</summary>
    public static string Render(IReadOnlyList<MetricAgreement> rows, int launches, string heading)
    {
        var sb = new StringBuilder();
        sb.AppendLine(heading);
        sb.AppendLine();
        var table = new MarkdownTable(
            ["scenario", "metric", .. Enumerable.Range(1, launches).Select(i => $"launch {i}"), "contradictions", "coverage"]);
        foreach (var r in rows)
        {
            table.Row([
                r.Scenario,
                r.Metric,
                .. r.Named.Select(n => n.Replace("|", "\\|", StringComparison.Ordinal)),
                r.Contradictions.ToString(Inv),
                r.Intervals == 0 ? "–" : string.Create(Inv, $"{r.Covered}/{r.Intervals}")]);
        }

        table.WriteTo(sb);
        var covered = rows.Sum(r => r.Covered);
        var intervals = rows.Sum(r => r.Intervals);
        sb.AppendLine();
        var share = intervals == 0 ? 0 : covered * 100.0 / intervals;
        sb.AppendLine(string.Create(Inv, $"Contradictions in all: {rows.Sum(r => r.Contradictions)}.")
            + string.Create(Inv, $" Interval coverage: {covered} of {intervals} ({share:0} %) ")
            + "of the launches' 95 % intervals of a transport's ratio to the reference cover the median ratio of the other launches.");
        foreach (var example in rows.SelectMany(r => r.Examples.Select(e => $"- {r.Scenario} {r.Metric}: {e}")))
        {
            sb.AppendLine(example);
        }

        return sb.ToString().ReplaceLineEndings("\n");
    }
}
