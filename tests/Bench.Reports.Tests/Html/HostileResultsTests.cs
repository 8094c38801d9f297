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
