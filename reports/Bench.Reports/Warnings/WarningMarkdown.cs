using Bench.Reports.Markdown;

namespace Bench.Reports.Warnings;

/// <summary>Warnings as report.md shows them: one list item each, its scope and sentence as literal text.</summary>
internal static class WarningMarkdown
{
    /// <summary>A case's warning in the run-validity list: the case in bold, then the warning.</summary>
    public static string CaseItem(string caseName, RunWarning warning) => $"- **{caseName}**: {MarkdownText.Escape(warning.Text)}";

    /// <summary>A sizing's warning under its transport's table.</summary>
    public static string SizingItem(RunWarning warning) => "- ⚠ " + warning.Text;
}
