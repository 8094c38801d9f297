namespace Bench.Reports.Markdown;

/// <summary>
/// Text from a results file written into markdown as text, never as markup: on one line, with the characters that
/// open links, images, code, emphasis or HTML escaped by a backslash (CommonMark's escapes, which report.html honours).
/// </summary>
public static class MarkdownText
{
    /// <summary><paramref name="text"/> as literal markdown text on one line.</summary>
    public static string Escape(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                sb.Append(' ');
                continue;
            }

            if (c is '\\' or '`' or '*' or '[' or ']' or '<' or '>' or '!')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary><paramref name="text"/> as a code span: one line, its backticks made quotes so it cannot close the span.</summary>
    public static string Code(string text) =>
        "`" + string.Concat(text.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c == '`' ? '\'' : c)) + "`";
}
