using System.Text;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>
/// One section of report.md: it says itself whether the run has anything for it, and renders it. The report is the
/// sections of <see cref="ReportSections.All"/>, in order, that are available — no result slot needs an arm in an
/// if-chain of its own (BenchmarkDotNet's columns and exporters, with their <c>IsAvailable</c>, are the model).
/// </summary>
internal interface IReportSection
{
    /// <summary>The section's name (its heading, or what its headings are of).</summary>
    string Title { get; }

    /// <summary>Whether <paramref name="report"/> has anything for this section; an unavailable section writes nothing.</summary>
    bool IsAvailable(ReportContext report);

    /// <summary>Appends the section, its heading included, ending with a blank line.</summary>
    void Render(StringBuilder sb, ReportContext report);
}

/// <summary>What every section renders from.</summary>
/// <param name="Run">The run as read, n/a cases included.</param>
/// <param name="Outcomes">What the at-a-glance tables decided, which the verdict opens with.</param>
/// <param name="Glance">The at-a-glance section, rendered first because the verdict needs its outcomes.</param>
/// <param name="Sizing">The workload to size for, or null (no sizing section).</param>
internal sealed record ReportContext(RunResults Run, IReadOnlyList<RowOutcome> Outcomes, string Glance, Sizing.Workload? Sizing)
{
    /// <summary>The run with its measured results only: sections and charts are of these; an n/a has no figures.</summary>
    public RunResults Measured { get; } = Run with { Results = [.. Run.Results.Where(r => r.IsMeasured)] };

    /// <summary>The measured results that <paramref name="has"/> a figure for a section.</summary>
    public IReadOnlyList<ScenarioResult> MeasuredWith(Func<ScenarioResult, bool> has) => [.. Measured.Results.Where(has)];
}
