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
    /// <summary>
    /// Writes everything into <paramref name="directory"/>; returns the path of report.md. Throws
    /// <see cref="InvalidDataException"/> for a name that cannot be a file name, <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> when the folder cannot be written, and <see cref="ReportRenderException"/>
    /// (one line) for any other failure while rendering.
    /// </summary>
    public static string Write(RunResults run, string directory, Sizing.Workload? sizing = null)
    {
        Directory.CreateDirectory(directory);
        NameCheck(run);
        try
        {
            var charts = ChartSet.Render(run, Path.Combine(directory, "charts")).Select(Path.GetFileName).OfType<string>().ToList();
            WriteHistogramLogs(run, Path.Combine(directory, "histograms"));
            var report = Path.Combine(directory, "report.md");
            var markdown = MarkdownReport.Render(run, sizing: sizing);
            File.WriteAllText(report, markdown);
            File.WriteAllText(Path.Combine(directory, "report.html"), Html.HtmlReport.Render(markdown, directory, charts));
            return report;
        }
        catch (Exception e)
            when (e is not (IOException or UnauthorizedAccessException or OutOfMemoryException or OperationCanceledException))
        {
            // A fault of the renderer (a chart library, a figure no section expected): one line, not a stack trace
            // after a long run whose results.json is already on disk.
            throw new ReportRenderException($"the report could not be rendered: {e.GetType().Name}: {e.Message.Split('\n')[0]}", e);
        }
    }

    /// <summary>
    /// Refuses names that would make a chart or log file land outside the report's folder: results read from a file are
    /// checked as they are read; this catches results made in process (a target file's name) the same way.
    /// </summary>
    private static void NameCheck(RunResults run)
    {
        foreach (var (r, i) in run.Results.Select((r, i) => (r, i)))
        {
            foreach (var (field, name) in new[] { ("scenario", r.Scenario), ("transport", r.Transport), ("variant", r.Variant),
                ("resilience.fault", r.Resilience?.Fault), ("saturation.mode", r.Saturation?.Mode) })
            {
                if (name is not null && !Json.ResultsValidator.SafeName(name))
                {
                    throw new InvalidDataException($"results[{i}].{field} is not a name that can be part of a file name");
                }
            }
        }
    }

    private static void WriteHistogramLogs(RunResults run, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var r in run.Results.Where(r => r.LatencyUs.Histogram.Length > 0))
        {
            File.WriteAllText(
                Path.Combine(directory, HistogramLog.FileName(r)), HistogramLog.Render(r, run.StartedAt), System.Text.Encoding.ASCII);
        }
    }
}

/// <summary>Rendering a report failed for a reason other than the folder or the results' names; its message is one line.</summary>
public sealed class ReportRenderException(string message, Exception inner) : Exception(message, inner);
