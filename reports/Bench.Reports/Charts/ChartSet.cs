using Bench.Reports.Model;

namespace Bench.Reports.Charts;

/// <summary>Renders every chart of a run into a <c>charts/</c> folder.</summary>
public static class ChartSet
{
    /// <summary>Renders the charts; returns the files written.</summary>
    public static IReadOnlyList<string> Render(RunResults run, string chartsDirectory)
    {
        // A transport's n/a has nothing to plot.
        run = run with { Results = [.. run.Results.Where(r => r.IsMeasured)] };
        Directory.CreateDirectory(chartsDirectory);
        var written = new List<string>();
        foreach (var group in run.Results.Where(r => r.Resilience is not null).GroupBy(r => r.Resilience!.Fault))
        {
            var timeline = Path.Combine(chartsDirectory, ChartNames.FaultTimeline(group.Key));
            FaultTimelineChart.Render(group.Key, [.. group], timeline);
            written.Add(timeline);
        }

        if (run.Results.Any(r => r.Resilience?.Storm is not null))
        {
            var storm = Path.Combine(chartsDirectory, ChartNames.Storm);
            StormChart.Render(run.Results, storm);
            written.Add(storm);
        }

        foreach (var group in run.Results.Where(r => r.Saturation is not null).GroupBy(r => r.Saturation!.Mode))
        {
            var path = Path.Combine(chartsDirectory, ChartNames.Saturation(group.Key));
            SaturationChart.Render(group.Key, [.. group], path);
            written.Add(path);
        }

        if (run.Results.Any(r => r.Connections is not null))
        {
            var path = Path.Combine(chartsDirectory, ChartNames.Connections);
            ConnectionsChart.Render(run.Results, path);
            written.Add(path);
        }

        if (run.Results.Any(r => r.Wire is not null))
        {
            var path = Path.Combine(chartsDirectory, ChartNames.Wire);
            WireChart.Render(run.Results, path);
            written.Add(path);
        }

        foreach (var group in run.Results.Where(r => !r.HasOwnSection).GroupBy(r => r.Scenario))
        {
            var results = group.ToList();
            var percentiles = Path.Combine(chartsDirectory, ChartNames.Percentiles(group.Key));
            PercentileChart.Render(group.Key, results, percentiles);
            written.Add(percentiles);
            var timeline = Path.Combine(chartsDirectory, ChartNames.Timeline(group.Key));
            TimelineChart.Render(group.Key, results, timeline);
            written.Add(timeline);
        }

        return written;
    }
}
