using Bench.Reports.Html;

namespace Bench.Reports.Tests.Html;

public sealed class HtmlReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-html-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void The_page_has_every_section_and_table_of_the_markdown_and_needs_no_other_file()
    {
        var run = Fixtures.Run();
        var report = ReportWriter.Write(run, dir);
        var markdown = File.ReadAllText(report);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));

        var sections = markdown.Split('\n').Count(l => l.StartsWith("## ", StringComparison.Ordinal));
        var tables = markdown.Split('\n').Count(l => l.StartsWith("|---", StringComparison.Ordinal));
        var charts = markdown.Split('\n').Count(l => l.StartsWith("![", StringComparison.Ordinal));
        Assert.Equal(sections, html.Split("<h2 ").Length - 1);
        Assert.Equal(tables, html.Split("<table class=\"sortable\">").Length - 1);
        Assert.Equal(charts, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Contains("<h2 id=\"verdict\">Verdict</h2>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.DoesNotContain("chart missing", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_results_is_escaped_and_only_safe_links_are_kept()
    {
        var html = HtmlReport.Render("# T\n\nA <script>alert(1)</script> and [x](javascript:alert(1)) and [docs](docs/ci.md) and **b** `c<d`\n\n| a | b |\n|---|---:|\n| 1 \\| 2 | 3 |\n", dir, []);

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"docs/ci.md\">docs</a>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>b</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<code>c&lt;d</code>", html, StringComparison.Ordinal);
        Assert.Contains("<td>1 | 2</td><td class=\"num\">3</td>", html, StringComparison.Ordinal);
    }
}
