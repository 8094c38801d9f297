using System.Globalization;
using System.Text;

namespace Bench.Reports.Markdown;

/// <summary>"The run": when, on what machine and runtime, from which commit and command line.</summary>
internal sealed class EnvironmentSection : IReportSection
{
    public string Title => "The run";

    public bool IsAvailable(ReportContext report) => true;

    public void Render(StringBuilder sb, ReportContext report)
    {
        var run = report.Run;
        sb.AppendLine("## The run");
        sb.AppendLine();
        var e = run.Environment;
        var inv = CultureInfo.InvariantCulture;
        var table = new MarkdownTable("What", "Value") { Numeric = false }
            .Row("Started", run.StartedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", inv))
            .Row("Profile", MarkdownText.Escape(run.Profile))
            .Row("Status", MarkdownText.Escape(run.StatusMessage is null ? run.Status : $"{run.Status}: {run.StatusMessage}"))
            .Row("OS", MarkdownText.Escape(e.Os))
            .Row("CPU", $"{MarkdownText.Escape(e.Cpu)} ({e.LogicalCores.ToString(inv)} logical cores)")
            .Row("Memory", e.MemoryGiB.ToString("0.0", inv) + " GiB")
            .Row("Runtime", MarkdownText.Escape(e.Runtime))
            .Row("GC", MarkdownText.Escape(e.Gc))
            .Row("Commit", MarkdownText.Escape(e.Commit ?? "unknown"))
            .Row("Command line", MarkdownText.Code(e.CommandLine));
        table.WriteTo(sb);
    }
}
