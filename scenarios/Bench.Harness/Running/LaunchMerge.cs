using Bench.Reports.Gate;
using Bench.Reports.Model;

namespace Bench.Harness.Running;

/// <summary>
/// One case's launches as one result: p50, p99 and achieved rate are medians across launches, counts are sums (so a
/// loss in any launch shows), every launch's own figures are kept in <c>launches</c>, and each launch's warnings are
/// kept with its number. The rest (histogram, timeline) is the launch whose p50 was the median.
/// </summary>
public static class LaunchMerge
{
    public static ScenarioResult Merge(IReadOnlyList<ScenarioResult> runs)
    {
        if (runs[0].NotApplicable is not null)
        {
            // A transport's n/a is the same in every launch, and has no figures to merge.
            return runs[0];
        }

        var figures = runs.Select(GateComparer.FromSummary).ToList();
        var p50s = figures.Select(f => (double)f.P50Us).ToList();
        var medianP50 = GateComparer.Median(p50s);
        var template = runs[p50s.Select((v, i) => (Distance: Math.Abs(v - medianP50), i)).MinBy(x => x.Distance).i];
        var counts = new DeliveryCounts(
            runs.Sum(r => r.Counts.Sent), runs.Sum(r => r.Counts.Delivered), runs.Sum(r => r.Counts.Lost),
            runs.Sum(r => r.Counts.Duplicated),
            runs.Sum(r => r.Counts.OutOfOrder), runs.Sum(r => r.Counts.Errors), runs.Sum(r => r.Counts.Rejected));
        return template with
        {
            LatencyUs = template.LatencyUs with
            {
                P50 = (long)medianP50,
                P99 = (long)GateComparer.Median([.. figures.Select(f => (double)f.P99Us)]),
            },
            Throughput = template.Throughput with
            {
                AchievedPerSec = Math.Round(GateComparer.Median([.. figures.Select(f => f.AchievedPerSec)]), 2)
            },
            Counts = counts,
            Launches = figures,
            Warnings = [.. runs.SelectMany((r, i) => r.Warnings.Select(w => w.In($"launch {i + 1}")))],
        };
    }
}
