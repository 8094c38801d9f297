using Bench.Reports.Charts;
using Bench.Reports.Histograms;
using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports;

/// <summary>Writes a run's report: <c>report.md</c>, <c>charts/*.png</c> and <c>histograms/*.hlog</c>, from results alone.</summary>
public static class ReportWriter
{
    /// <summary>Writes everything into <paramref name="directory"/>; returns the path of report.md.</summary>
    public static string Write(RunResults run, string directory, Sizing.Workload? sizing = null)
    {
        Directory.CreateDirectory(directory);
        ChartSet.Render(run, Path.Combine(directory, "charts"));
        WriteHistogramLogs(run, Path.Combine(directory, "histograms"));
        var report = Path.Combine(directory, "report.md");
        File.WriteAllText(report, MarkdownReport.Render(run, sizing: sizing));
        return report;
    }

    private static void WriteHistogramLogs(RunResults run, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var r in run.Results.Where(r => r.LatencyUs.Histogram.Length > 0))
        {
            File.WriteAllText(Path.Combine(directory, HistogramLog.FileName(r)), HistogramLog.Render(r, run.StartedAt), System.Text.Encoding.ASCII);
        }
    }
}
