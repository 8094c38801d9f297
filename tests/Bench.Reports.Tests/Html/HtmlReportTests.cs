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
        const string markdown = "# T\n\nA <script>alert(1)</script> and [x](javascript:alert(1)) and [docs](docs/ci.md) and **b** `c<d`"
            + "\n\n| a | b |\n|---|---:|\n| 1 \\| 2 | 3 |\n";
        var html = HtmlReport.Render(markdown, dir, []);

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"docs/ci.md\">docs</a>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>b</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<code>c&lt;d</code>", html, StringComparison.Ordinal);
        Assert.Contains("<td>1 | 2</td><td class=\"num\">3</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pipe_table_renders_as_a_sortable_table_with_number_columns_marked()
    {
        var html = HtmlReport.Render("Intro\n\n|  | p50 |\n|---|---:|\n| `ws` | 1.70 ms |\n| **sse** | 2.30 ms |\n", dir, []);

        Assert.Contains("<div class=\"table\"><table class=\"sortable\"><thead><tr><th></th><th class=\"num\">p50</th></tr></thead>",
            html, StringComparison.Ordinal);
        Assert.Contains("<tr><td><code>ws</code></td><td class=\"num\">1.70 ms</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td><strong>sse</strong></td><td class=\"num\">2.30 ms</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("|", html.Split("<body>")[1].Split("<script>")[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Each_of_the_runs_charts_is_embedded_as_a_figure_with_its_caption()
    {
        var report = ReportWriter.Write(Fixtures.Run(), dir);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));

        var pngs = Directory.GetFiles(Path.Combine(dir, "charts"), "*.png");
        Assert.NotEmpty(pngs);
        foreach (var png in pngs)
        {
            var name = Path.GetFileName(png);
            var alt = File.ReadLines(report).Single(l => l.EndsWith($"(charts/{name})", StringComparison.Ordinal))[2..].Split("](")[0];
            var data = Convert.ToBase64String(File.ReadAllBytes(png));
            Assert.Contains($"<figure><img alt=\"{alt}\" src=\"data:image/png;base64,{data}\"><figcaption>{alt}</figcaption></figure>",
                html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Headings_get_ids_from_their_text_and_the_first_one_titles_the_page()
    {
        var html = HtmlReport.Render("# Bench report: run `r1`\n\n## Run validity\n\n### rtt / **webhook**\n", dir, []);

        Assert.Contains("<title>Bench report: run r1</title>", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"run-validity\">Run validity</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"rtt-webhook\">rtt / <strong>webhook</strong></h3>", html, StringComparison.Ordinal);
    }
}
