using Bench.Harness;
using Bench.Reports.Json;
using Bench.Scenarios.Tests.Cli;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>A run whose report cannot be written ends in one line and exit 4, its results.json kept whole.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReportFailureTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-render-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_report_that_cannot_be_written_ends_the_run_with_one_line_and_exit_4_keeping_results_json()
    {
        // report.md is taken by a folder, so the renderer's last write fails after a complete measurement.
        Directory.CreateDirectory(Path.Combine(dir, "report.md"));

        var (code, stderr) = await ConsoleCapture.RunAsync(
            ["run", "rtt", "--transport", "websocket", "--rate", "100", "--warmup", "0s", "--duration", "1s", "--out", dir]);

        Assert.Equal(ExitCodes.RunFailed, code);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains("results.json is kept", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        var run = ResultsJson.Read(Path.Combine(dir, "results.json"));
        Assert.Equal("complete", run.Status);
        Assert.Equal(100, Assert.Single(run.Results).Counts.Delivered);
    }
}
