using Bench.Reports.Html;
using Bench.Reports.Json;

namespace Bench.Reports.Tests.Html;

/// <summary>
/// A results file is text from elsewhere: nothing in it may make report.html read a file that is not one of the run's
/// own charts (a run id holding <c>\n![x](/path/secret)</c> once inlined that file as base64), and its text is
/// written as text, not markup, in report.md.
/// </summary>
public sealed class HostileResultsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-hostile-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Secret()
    {
        var path = Path.Combine(dir, "secret.txt");
        File.WriteAllText(path, "TOP-SECRET-4242-do-not-embed");
        return path;
    }

    private string SecretBase64 => Convert.ToBase64String(File.ReadAllBytes(Path.Combine(dir, "secret.txt")));

    [Fact]
    public void A_run_id_holding_an_image_line_does_not_make_report_html_inline_a_local_file()
    {
        var hostile = Fixtures.Run() with { RunId = "r1\n![x](" + Secret() + ")" };
        var file = Path.Combine(dir, "results.json");
        ResultsJson.Write(hostile, file);

        ReportWriter.Write(ResultsJson.Read(file), Path.Combine(dir, "read"));
        ReportWriter.Write(hostile, Path.Combine(dir, "in-process"));

        foreach (var side in new[] { "read", "in-process" })
        {
            var html = File.ReadAllText(Path.Combine(dir, side, "report.html"));
            Assert.DoesNotContain(SecretBase64, html, StringComparison.Ordinal);
            Assert.DoesNotContain("![x]", File.ReadAllText(Path.Combine(dir, side, "report.md")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_table_cell_holding_a_carriage_return_does_not_start_a_line_of_its_own()
    {
        var run = Fixtures.Run();
        var hostile = run with { Environment = run.Environment with { Os = "Linux\r![x](" + Secret() + ")" } };

        var report = ReportWriter.Write(hostile, dir);

        Assert.DoesNotContain(SecretBase64, File.ReadAllText(Path.Combine(dir, "report.html")), StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllLines(report), l => l.StartsWith("![x]", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_runs_own_charts_are_inlined_by_their_exact_name()
    {
        var secret = Secret();
        Directory.CreateDirectory(Path.Combine(dir, "charts"));
        File.WriteAllBytes(Path.Combine(dir, "charts", "own.png"), [1, 2, 3, 4, 5, 6]);
        File.Copy(secret, Path.Combine(dir, "charts", "stray.png"));

        var html = HtmlReport.Render(
            $"# T\n\n![own](charts/own.png)\n\n![a](charts/../secret.txt)\n\n![b]({secret})\n\n![c](charts/stray.png)\n", dir, ["own.png"]);

        Assert.Contains(Convert.ToBase64String([1, 2, 3, 4, 5, 6]), html, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretBase64, html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("not one of this run's charts").Length - 1);
    }

    [Fact]
    public void An_image_reference_in_a_heading_or_a_table_cell_is_neither_inlined_nor_linked_as_an_image()
    {
        var secret = Secret();
        Directory.CreateDirectory(Path.Combine(dir, "charts"));
        File.Copy(secret, Path.Combine(dir, "secret.png"));
        var markdown = $"# T ![x]({secret})\n\n## H ![y](../secret.png)\n\n| a | b |\n|---|---|\n"
            + $"| ![x]({secret}) | ![z](charts/../secret.png) |\n| ![w](/etc/passwd) | text |\n";

        var html = HtmlReport.Render(markdown, Path.Combine(dir, "charts"), ["secret.png", "passwd"]);

        Assert.DoesNotContain(SecretBase64, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.Equal(5, html.Split("not one of this run's charts").Length - 1);
        Assert.Contains(
            "<td><span class=\"missing\">not one of this run's charts: /etc/passwd</span></td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_tag_in_text_from_results_is_shown_escaped_not_run()
    {
        var run = Fixtures.Run();
        var hostile = run with
        {
            RunId = "<script>alert(1)</script>",
            Environment = run.Environment with { Os = "Linux <script>alert(2)</script> <div onclick=x>" },
        };

        ReportWriter.Write(hostile, dir);

        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<td>Linux &lt;script&gt;alert(2)&lt;/script&gt; &lt;div onclick=x&gt;</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<div onclick", html, StringComparison.Ordinal);
        Assert.Single(html.Split('\n'), l => l.Contains("<script", StringComparison.Ordinal));
    }

    [Fact]
    public void Raw_html_and_unsafe_autolinks_in_the_markdown_stay_text()
    {
        var html = HtmlReport.Render(
            "<iframe src=\"file:///etc/passwd\"></iframe>\n\nsee <javascript:alert(1)> or <https://example.org/x>\n", dir, []);

        Assert.DoesNotContain("<iframe", html, StringComparison.Ordinal);
        Assert.Contains("&lt;iframe", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.org/x\">https://example.org/x</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_in_text_from_results_is_written_as_text()
    {
        var hostile = Fixtures.Run() with { RunId = "[click](https://example.invalid) <img src=x> `code` **b**" };

        var report = ReportWriter.Write(hostile, dir);

        var title = File.ReadLines(report).First();
        Assert.Equal(@"# Bench report: run \[click\](https://example.invalid) \<img src=x\> \`code\` \*\*b\*\*", title);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains(
            "\">Bench report: run [click](https://example.invalid) &lt;img src=x&gt; `code` **b**</h1>", html, StringComparison.Ordinal);
    }
}
