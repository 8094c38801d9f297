using System.Text;
using Markdig.Extensions.Tables;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Bench.Reports.Html;

/// <summary>
/// Where report.html departs from Markdig's own HTML: images go through <see cref="ChartImages"/> (an image alone in
/// its paragraph is a figure with its caption), links are kept only to safe places, and tables are sortable, their
/// right-aligned (number) columns marked for the page's style and script.
/// </summary>
internal static class ReportRenderers
{
    public static void Install(HtmlRenderer renderer, ChartImages images)
    {
        renderer.ObjectRenderers.ReplaceOrAdd<LinkInlineRenderer>(new LinkRenderer(images));
        renderer.ObjectRenderers.ReplaceOrAdd<AutolinkInlineRenderer>(new AutolinkRenderer());
        renderer.ObjectRenderers.ReplaceOrAdd<ParagraphRenderer>(new FigureRenderer(images));
        renderer.ObjectRenderers.ReplaceOrAdd<HtmlTableRenderer>(new TableRenderer());
    }

    /// <summary>http(s), or a relative path; never <c>javascript:</c>, <c>data:</c>, <c>file:</c> or any other scheme.</summary>
    public static bool SafeHref(string href) =>
        href.StartsWith("http://", StringComparison.Ordinal) || href.StartsWith("https://", StringComparison.Ordinal)
        || !href.Contains(':', StringComparison.Ordinal);

    /// <summary>The text of inlines as a reader sees it, markup dropped (a heading's title and id, an image's alt).</summary>
    public static string PlainText(ContainerInline? inlines)
    {
        var sb = new StringBuilder();
        void Append(Inline inline)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    sb.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    sb.Append(code.Content);
                    break;
                case HtmlEntityInline entity:
                    sb.Append(entity.Transcoded.ToString());
                    break;
                case AutolinkInline link:
                    sb.Append(link.Url);
                    break;
                case LineBreakInline:
                    sb.Append(' ');
                    break;
                case ContainerInline container:
                    foreach (var child in container)
                    {
                        Append(child);
                    }

                    break;
            }
        }

        if (inlines is not null)
        {
            Append(inlines);
        }

        return sb.ToString();
    }

    private sealed class LinkRenderer(ChartImages images) : HtmlObjectRenderer<LinkInline>
    {
        protected override void Write(HtmlRenderer renderer, LinkInline link)
        {
            var url = link.Url ?? "";
            if (link.IsImage)
            {
                renderer.Write(images.Html(url, PlainText(link), "span"));
            }
            else if (SafeHref(url))
            {
                renderer.Write("<a href=\"");
                renderer.WriteEscapeUrl(url);
                renderer.Write("\">");
                renderer.WriteChildren(link);
                renderer.Write("</a>");
            }
            else
            {
                renderer.WriteChildren(link);
            }
        }
    }

    private sealed class AutolinkRenderer : HtmlObjectRenderer<AutolinkInline>
    {
        protected override void Write(HtmlRenderer renderer, AutolinkInline link)
        {
            if (!link.IsEmail && SafeHref(link.Url))
            {
                renderer.Write("<a href=\"");
                renderer.WriteEscapeUrl(link.Url);
                renderer.Write("\">").WriteEscape(link.Url).Write("</a>");
            }
            else
            {
                renderer.WriteEscape(link.Url);
            }
        }
    }

    /// <summary>
    /// A paragraph, or, when it holds one image and nothing else, a figure with the image's alt as caption (not in a
    /// table cell or a tight list's item, whose paragraphs are implicit: there the image stays inline).
    /// </summary>
    private sealed class FigureRenderer(ChartImages images) : ParagraphRenderer
    {
        protected override void Write(HtmlRenderer renderer, ParagraphBlock paragraph)
        {
            var only = paragraph.Inline?.FirstChild;
            if (!renderer.ImplicitParagraph && only is LinkInline { IsImage: true } image && only.NextSibling is null)
            {
                var alt = PlainText(image);
                renderer.EnsureLine();
                renderer.Write("<figure>").Write(images.Html(image.Url ?? "", alt, "p"))
                    .Write("<figcaption>").WriteEscape(alt).Write("</figcaption></figure>").WriteLine();
                return;
            }

            base.Write(renderer, paragraph);
        }
    }

    /// <summary>A pipe table as a sortable table in a scrolling box; right-aligned columns are numbers (class num).</summary>
    private sealed class TableRenderer : HtmlObjectRenderer<Table>
    {
        protected override void Write(HtmlRenderer renderer, Table table)
        {
            renderer.EnsureLine();
            renderer.Write("<div class=\"table\"><table class=\"sortable\">");
            var body = false;
            foreach (var row in table.OfType<TableRow>())
            {
                if (row.IsHeader)
                {
                    renderer.Write("<thead>");
                }
                else if (!body)
                {
                    renderer.Write("<tbody>").WriteLine();
                    body = true;
                }

                renderer.Write("<tr>");
                foreach (var cell in row.OfType<TableCell>())
                {
                    var tag = row.IsHeader ? "th" : "td";
                    var column = cell.ColumnIndex >= 0 ? cell.ColumnIndex : row.IndexOf(cell);
                    var number = column < table.ColumnDefinitions.Count
                        && table.ColumnDefinitions[column].Alignment == TableColumnAlign.Right;
                    renderer.Write(number ? $"<{tag} class=\"num\">" : $"<{tag}>");
                    var implicitParagraph = renderer.ImplicitParagraph;
                    renderer.ImplicitParagraph = true;
                    renderer.Write(cell);
                    renderer.ImplicitParagraph = implicitParagraph;
                    renderer.Write($"</{tag}>");
                }

                renderer.Write("</tr>");
                renderer.Write(row.IsHeader ? "</thead>" : "").WriteLine();
            }

            if (!body)
            {
                renderer.Write("<tbody>");
            }

            renderer.Write("</tbody></table></div>").WriteLine();
        }
    }
}
