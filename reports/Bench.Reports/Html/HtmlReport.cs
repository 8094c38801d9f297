using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Bench.Reports.Html;

/// <summary>
/// <c>report.html</c>: the markdown report as one self-contained page — every chart inlined as a PNG data URI, styles and
/// the little script that sorts tables in the page itself — so it opens offline, as a CI artifact, with nothing beside
/// it. The markdown stays the reference; this renders what it says, no more. (Charts are not inlined as SVG: Skia's SVG
/// backend drops dash patterns, and a dashed line means p50 or a variant here.)
/// </summary>
public static partial class HtmlReport
{
    /// <summary>
    /// Renders <paramref name="markdown"/> (Bench's report subset). An image is inlined only when it is one of the run's
    /// own <paramref name="charts"/> (file names ChartSet wrote), linked as <c>charts/NAME</c> and read from
    /// <paramref name="directory"/><c>/charts</c>; any other image — a path a results file smuggled in — is not read.
    /// </summary>
    public static string Render(string markdown, string directory, IReadOnlyCollection<string> charts)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var body = new StringBuilder();
        var title = "Bench report";
        var paragraph = new List<string>();
        var listDepth = 0;

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                body.Append("<p>").Append(Inline(string.Join(' ', paragraph))).Append("</p>\n");
                paragraph.Clear();
            }
        }

        void CloseLists(int depth)
        {
            for (; listDepth > depth; listDepth--)
            {
                body.Append("</li></ul>\n");
            }
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith('|') && i + 1 < lines.Length && TableSeparator().IsMatch(lines[i + 1]))
            {
                FlushParagraph();
                CloseLists(0);
                var rows = new List<string> { line };
                var separator = lines[++i];
                while (i + 1 < lines.Length && lines[i + 1].StartsWith('|'))
                {
                    rows.Add(lines[++i]);
                }

                Table(body, rows, separator);
                continue;
            }

            if (Heading().Match(line) is { Success: true } h)
            {
                FlushParagraph();
                CloseLists(0);
                var level = h.Groups[1].Value.Length;
                var text = h.Groups[2].Value;
                if (level == 1)
                {
                    title = text;
                }

                body.Append(CultureInfo.InvariantCulture, $"<h{level} id=\"{Slug(text)}\">{Inline(text)}</h{level}>\n");
                continue;
            }

            if (Image().Match(line.Trim()) is { Success: true } image)
            {
                FlushParagraph();
                CloseLists(0);
                body.Append("<figure>").Append(Chart(directory, charts, image.Groups[2].Value, image.Groups[1].Value))
                    .Append("<figcaption>").Append(WebUtility.HtmlEncode(image.Groups[1].Value)).Append("</figcaption></figure>\n");
                continue;
            }

            if (ListItem().Match(line) is { Success: true } item)
            {
                FlushParagraph();
                var depth = (item.Groups[1].Value.Length / 2) + 1;
                if (depth > listDepth)
                {
                    for (; listDepth < depth; listDepth++)
                    {
                        body.Append("<ul><li>");
                    }
                }
                else
                {
                    CloseLists(depth);
                    body.Append("</li><li>");
                }

                body.Append(Inline(item.Groups[2].Value));
                continue;
            }

            if (line.Trim().Length == 0)
            {
                FlushParagraph();
                CloseLists(0);
                continue;
            }

            if (listDepth > 0 && line.StartsWith("  ", StringComparison.Ordinal))
            {
                body.Append(' ').Append(Inline(line.Trim()));
                continue;
            }

            CloseLists(0);
            paragraph.Add(line.Trim());
        }

        FlushParagraph();
        CloseLists(0);
        return Page(title, body.ToString());
    }

    private static void Table(StringBuilder body, List<string> rows, string separator)
    {
        var right = Cells(separator).Select(c => c.Trim().EndsWith(':')).ToArray();
        body.Append("<div class=\"table\"><table class=\"sortable\"><thead><tr>");
        var headers = Cells(rows[0]);
        for (var c = 0; c < headers.Count; c++)
        {
            body.Append(Right(right, c) ? "<th class=\"num\">" : "<th>").Append(Inline(headers[c].Trim())).Append("</th>");
        }

        body.Append("</tr></thead><tbody>\n");
        foreach (var row in rows.Skip(1))
        {
            body.Append("<tr>");
            var cells = Cells(row);
            for (var c = 0; c < cells.Count; c++)
            {
                body.Append(Right(right, c) ? "<td class=\"num\">" : "<td>").Append(Inline(cells[c].Trim())).Append("</td>");
            }

            body.Append("</tr>\n");
        }

        body.Append("</tbody></table></div>\n");
    }

    private static bool Right(bool[] right, int column) => column < right.Length && right[column];

    /// <summary>The cells of a table row; a pipe escaped as <c>\|</c> stays in its cell.</summary>
    private static List<string> Cells(string row)
    {
        var cells = new List<string>();
        var current = new StringBuilder();
        var text = row.Trim();
        for (var i = text.StartsWith('|') ? 1 : 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '|')
            {
                current.Append('|');
                i++;
            }
            else if (text[i] == '|')
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        if (current.ToString().Trim().Length > 0)
        {
            cells.Add(current.ToString());
        }

        return cells;
    }

    /// <summary>A chart inlined as a PNG data URI, or a note that it is missing (or not one of the run's charts).</summary>
    private static string Chart(string directory, IReadOnlyCollection<string> charts, string relative, string alt)
    {
        const string folder = "charts/";
        var name = relative.StartsWith(folder, StringComparison.Ordinal) ? relative[folder.Length..] : null;
        if (name is null || !charts.Contains(name, StringComparer.Ordinal)
            || name.AsSpan().ContainsAny(['/', '\\']) || name.StartsWith('.'))
        {
            return $"<p class=\"missing\">not one of this run's charts: {WebUtility.HtmlEncode(relative)}</p>";
        }

        var png = Path.Combine(directory, "charts", name);
        return File.Exists(png) && !new FileInfo(png).Attributes.HasFlag(FileAttributes.ReparsePoint)
            ? $"<img alt=\"{WebUtility.HtmlEncode(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(png))}\">"
            : $"<p class=\"missing\">chart missing: {WebUtility.HtmlEncode(relative)}</p>";
    }

    /// <summary>Bold, code and links of one line of markdown, everything else escaped; <c>\X</c> is a literal X.</summary>
    private static string Inline(string text)
    {
        // The markers below are control characters; text never holds them (results are read on one line), but be sure.
        text = text.Replace('\u0001', ' ').Replace('\u0002', ' ');
        var codes = new List<string>();
        string Mark(string literal)
        {
            codes.Add(literal);
            return "\u0001" + (codes.Count - 1).ToString(CultureInfo.InvariantCulture) + "\u0002";
        }

        // Code spans and backslash escapes, left to right (a backslash in a code span is literal; an escaped backtick
        // opens none), set aside before any other markup is read.
        var escaped = CodeOrEscape().Replace(text, m => Mark(m.Groups[1].Success
            ? WebUtility.HtmlEncode(m.Groups[1].Value)
            : "<code>" + WebUtility.HtmlEncode(m.Groups[2].Value) + "</code>"));
        escaped = WebUtility.HtmlEncode(escaped);
        escaped = Bold().Replace(escaped, "<strong>$1</strong>");
        escaped = Link().Replace(escaped, m =>
        {
            var href = WebUtility.HtmlDecode(m.Groups[2].Value);
            var safe = href.StartsWith("http://", StringComparison.Ordinal) || href.StartsWith("https://", StringComparison.Ordinal) || !href.Contains(':', StringComparison.Ordinal);
            return safe ? $"<a href=\"{WebUtility.HtmlEncode(href)}\">{m.Groups[1].Value}</a>" : m.Groups[1].Value;
        });
        return CodeMark().Replace(escaped, m => codes[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]);
    }

    private static string Slug(string text) => Regex.Replace(text.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');

    private static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>
        body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2rem auto; max-width: 76rem; padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
        h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.2rem; }
        .table { overflow-x: auto; margin: 1rem 0; }
        table { border-collapse: collapse; font-size: .92rem; }
        th, td { border: 1px solid #d0d0d0; padding: .3rem .55rem; vertical-align: top; }
        th { background: #f3f3f3; cursor: pointer; user-select: none; } th[aria-sort]::after { content: attr(data-arrow); }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #fafafa; }
        code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
        figure { margin: 1.5rem 0; } figcaption { color: #555; font-size: .9rem; }
        img { max-width: 100%; }
        </style>
        </head>
        <body>
        {{body}}
        <script>
        // Click a column's header to sort its table by it (numbers by value, the rest as text); click again to reverse.
        document.querySelectorAll("table.sortable th").forEach(function (th, _, all) {
          th.addEventListener("click", function () {
            var table = th.closest("table"), column = Array.prototype.indexOf.call(th.parentNode.children, th);
            var up = th.getAttribute("aria-sort") !== "ascending";
            table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", up ? "ascending" : "descending");
            th.setAttribute("data-arrow", up ? " \u25B2" : " \u25BC");
            var key = function (row) {
              var text = row.children[column] ? row.children[column].textContent.trim() : "";
              var number = parseFloat(text.replace(/,/g, ""));
              return isNaN(number) ? text.toLowerCase() : number;
            };
            var rows = Array.prototype.slice.call(table.tBodies[0].rows);
            rows.sort(function (a, b) {
              var x = key(a), y = key(b);
              var order = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
              return up ? order : -order;
            });
            rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
          });
        });
        </script>
        </body>
        </html>

        """;

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")]
    private static partial Regex TableSeparator();

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^!\[([^\]]*)\]\(([^)]+)\)$")]
    private static partial Regex Image();

    [GeneratedRegex(@"^(\s*)[-*]\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\\([!-/:-@\[-`{-~])|`([^`]+)`")]
    private static partial Regex CodeOrEscape();

    [GeneratedRegex("\u0001(\\d+)\u0002")]
    private static partial Regex CodeMark();

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
