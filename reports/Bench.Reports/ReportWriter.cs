using Bench.Reports.Charts;
using Bench.Reports.Histograms;
using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports;

/// <summary>
/// Writes a run's report from results alone: <c>report.md</c> (the reference), <c>report.html</c> (the same, one
/// self-contained page), <c>charts/*.png</c> and <c>*.svg</c>, and <c>histograms/*.hlog</c>.
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes everything into <paramref name="directory"/>; returns the path of report.md.</summary>
    public static string Write(RunResults run, string directory, Sizing.Workload? sizing = null)
    {
        Directory.CreateDirectory(directory);
        ChartSet.Render(run, Path.Combine(directory, "charts"));
        WriteHistogramLogs(run, Path.Combine(directory, "histograms"));
        var report = Path.Combine(directory, "report.md");
        var markdown = MarkdownReport.Render(run, sizing: sizing);
        File.WriteAllText(report, markdown);
        File.WriteAllText(Path.Combine(directory, "report.html"), Html.HtmlReport.Render(markdown, directory));
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
