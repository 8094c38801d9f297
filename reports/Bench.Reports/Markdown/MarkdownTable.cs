using System.Text;

namespace Bench.Reports.Markdown;

/// <summary>A GitHub-flavoured markdown table.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    /// <summary>Right-aligns every column but the first (numbers); false left-aligns all (text).</summary>
    public bool Numeric { get; init; } = true;

    private readonly List<string[]> rows = [];

    public MarkdownTable Row(params string[] cells)
    {
        rows.Add(cells);
        return this;
    }

    public void WriteTo(StringBuilder sb)
    {
        sb.Append("| ").AppendJoin(" | ", headers.Select(Escape)).AppendLine(" |");
        sb.Append('|').AppendJoin('|', headers.Select((_, i) => i == 0 || !Numeric ? "---" : "---:")).AppendLine("|");
        foreach (var row in rows)
        {
            sb.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        }

        sb.AppendLine();
    }

    /// <summary>
    /// A cell on one line with its pipes escaped: a <c>\r</c> or any other line break in a cell would end the row (the
    /// report's line endings are normalised), and what followed it would be read as a line of markdown of its own.
    /// </summary>
    private static string Escape(string cell) =>
        string.Concat(cell.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c))
            .Replace("|", "\\|", StringComparison.Ordinal);
}
