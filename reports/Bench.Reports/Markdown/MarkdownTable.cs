using System.Text;

namespace Bench.Reports.Markdown;

/// <summary>A GitHub-flavoured markdown table.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> rows = [];

    public MarkdownTable Row(params string[] cells)
    {
        rows.Add(cells);
        return this;
    }

    public void WriteTo(StringBuilder sb)
    {
        sb.Append("| ").AppendJoin(" | ", headers.Select(Escape)).AppendLine(" |");
        sb.Append('|').AppendJoin('|', headers.Select((_, i) => i == 0 ? "---" : "---:")).AppendLine("|");
        foreach (var row in rows)
        {
            sb.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        }

        sb.AppendLine();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
