using System.Net;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Bench.Reports.Html;

/// <summary>
/// <c>report.html</c>: the markdown report as one self-contained page — every chart inlined as a PNG data URI, styles and
/// the little script that sorts tables in the page itself — so it opens offline, as a CI artifact, with nothing beside
/// it. The markdown stays the reference; Markdig renders what it says, no more. (Charts are not inlined as SVG: Skia's
/// SVG backend drops dash patterns, and a dashed line means p50 or a variant here.)
/// </summary>
public static partial class HtmlReport
{
    /// <summary>
    /// CommonMark with pipe tables, and raw HTML off: a <c>&lt;script&gt;</c> in the markdown is text, not markup.
    /// Nothing else (no bare-URL links, no extensions that fetch or include).
    /// </summary>
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    /// <summary>
    /// Renders <paramref name="markdown"/> (Bench's report). An image is inlined only when it is one of the run's own
    /// <paramref name="charts"/> (file names ChartSet wrote), linked as <c>charts/NAME</c> and read from
    /// <paramref name="directory"/><c>/charts</c>; any other image — a path a results file smuggled in — is not read.
    /// A link is kept only to http(s) or to a relative path; any other (<c>javascript:</c>, <c>file:</c>) is its text.
    /// </summary>
    public static string Render(string markdown, string directory, IReadOnlyCollection<string> charts)
    {
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        var title = "Bench report";
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var text = ReportRenderers.PlainText(heading.Inline);
            heading.GetAttributes().Id = Slug(text);
            if (heading.Level == 1 && title == "Bench report")
            {
                title = text;
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        ReportRenderers.Install(renderer, new ChartImages(directory, charts));
        renderer.Render(document);
        writer.Flush();
        return Page(title, writer.ToString());
    }

    private static string Slug(string text) => NotSlug().Replace(text.ToLowerInvariant(), "-").Trim('-');

    private static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>
        body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2rem auto; max-width: 76rem; padding: 0 1rem; }
        body { color: #1b1b1b; line-height: 1.45; }
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

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
