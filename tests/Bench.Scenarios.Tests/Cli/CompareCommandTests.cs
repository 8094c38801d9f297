using Bench.Harness;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.Cli;

/// <summary><c>bench compare</c> end to end on files: the exit codes, and what it writes.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CompareCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-compare-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, RunResults run)
    {
        var folder = Path.Combine(dir, name);
        Directory.CreateDirectory(folder);
        ResultsJson.Write(run, Path.Combine(folder, "results.json"));
        return folder;
    }

    private static RunResults Run(string scenario, params long[] p50s) => new()
    {
        RunId = "20261127-000000",
        StartedAt = DateTimeOffset.UnixEpoch,
        Profile = "ci",
        Status = "complete",
        Environment = new EnvironmentInfo("Linux", "cpu", 2, 1, ".NET", "gc", null, "bench run"),
        Results =
        [
            new ScenarioResult
            {
                Scenario = scenario,
                Transport = "websocket",
                Parameters = new ScenarioParameters(500, 1, 256, 5, 2, 8),
                LatencyUs = new LatencySummary(100, 1, 1, p50s[0], 1, p50s[0] * 4, 1, 1, ""),
                Throughput = new ThroughputSummary(500, 500, 500),
                Counts = new DeliveryCounts(2500, 2500, 0, 0, 0, 0),
                Generator = new GeneratorStats(0, 0, 1),
                Target = new TargetStats(0.3, 50, 3),
                Launches = [.. p50s.Select(p => new LaunchFigures(p, p * 4, 500, 120, 2500, 2500, 0, 0, 0))],
            },
        ],
    };

    [Fact]
    public async Task Unchanged_exits_0_and_writes_the_table_and_the_junit_file()
    {
        var before = Write("base", Run("rtt", 300, 310, 290, 305, 295));
        var after = Write("head", Run("rtt", 302, 298, 300, 307, 293));

        var (code, _, stdout) = await ConsoleCapture.RunWithOutputAsync(["compare", before, after]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Gate: no regression (exit 0)", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(after, "compare.md")));
        Assert.Contains(
            "<testsuite name=\"bench regression gate\" tests=\"6\" failures=\"0\"",
            await File.ReadAllTextAsync(Path.Combine(after, "compare.junit.xml")),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slowdown_exits_1_naming_the_metric()
    {
        var before = Write("base", Run("rtt", 300, 310, 290, 305, 295));
        var after = Write("head", Run("rtt", 400, 410, 390, 405, 395));

        var (code, _, stdout) = await ConsoleCapture.RunWithOutputAsync(["compare", before, after]);

        Assert.Equal(ExitCodes.Regression, code);
        Assert.Contains("regression: rtt/websocket latency.p50, rtt/websocket latency.p99", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_launches_exit_3()
    {
        var (code, _, _) = await ConsoleCapture.RunWithOutputAsync(
            ["compare", Write("base", Run("rtt", 300, 310)), Write("head", Run("rtt", 400, 410))]);

        Assert.Equal(ExitCodes.Inconclusive, code);
    }

    [Fact]
    public async Task Mismatched_scenarios_a_corrupt_file_and_a_foreign_json_exit_2_saying_why()
    {
        var before = Write("base", Run("rtt", 300, 310, 290));
        var corrupt = Path.Combine(dir, "corrupt.json");
        await File.WriteAllTextAsync(corrupt, "{\"schema\": \"bench-results/1\", \"runId\": ");
        var foreign = Path.Combine(dir, "foreign.json");
        await File.WriteAllTextAsync(foreign, "{\"name\": \"package\", \"version\": \"1.0.0\"}");

        var mismatched = await ConsoleCapture.RunAsync(["compare", before, Write("head", Run("push", 300, 310, 290))]);
        var broken = await ConsoleCapture.RunAsync(["compare", corrupt, before]);
        var other = await ConsoleCapture.RunAsync(["compare", before, foreign]);
        var missing = await ConsoleCapture.RunAsync(["compare", Path.Combine(dir, "nothing"), before]);

        Assert.Equal(ExitCodes.Usage, mismatched.Code);
        Assert.Contains(
            "the runs measured different scenarios: only in the baseline: rtt/websocket; only in the current run: push/websocket",
            mismatched.Stderr,
            StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, broken.Code);
        Assert.Contains("baseline:", broken.Stderr, StringComparison.Ordinal);
        Assert.Contains("is not a Bench results file", broken.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, other.Code);
        Assert.Contains("current:", other.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, missing.Code);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_pairs_the_launches_of_an_ab_job_and_normalize_needs_a_probe()
    {
        static RunResults Placed(RunResults run, int first) => run with
        {
            Results =
            [
                run.Results[0] with
                {
                    Launches =
                    [
                        .. run.Results[0].Launches.Select((l, i) => l with { Position = (2 * i) + ((i % 2 == 0) == (first == 0) ? 1 : 2) }),
                    ],
                },
            ],
        };
        var before = Write("ab-base", Placed(Run("rtt", 300, 310, 290, 305, 295, 300), 0));
        var after = Write("ab-head", Placed(Run("rtt", 302, 308, 293, 300, 299, 301), 1));

        var (code, _, stdout) = await ConsoleCapture.RunWithOutputAsync(["compare", before, after]);
        var normalized = await ConsoleCapture.RunAsync(["compare", before, after, "--normalize"]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("The launches are paired", stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, normalized.Code);
        Assert.Contains("--normalize: the baseline has no loopback probe for rtt/websocket", normalized.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ab_refuses_too_few_pairs_and_a_build_folder_without_bench()
    {
        var build = Path.Combine(dir, "build");
        Directory.CreateDirectory(build);
        await File.WriteAllTextAsync(Path.Combine(build, "bench"), "");

        var fewPairs = await ConsoleCapture.RunAsync(["ab", "--mode", "launches", "--base", build, "--head", build, "--launches", "5"]);
        var fewBlocks = await ConsoleCapture.RunAsync(["ab", "--base", build, "--head", build, "--pairs", "5"]);
        var mixed = await ConsoleCapture.RunAsync(["ab", "--base", build, "--head", build, "--launches", "8"]);
        var badMode = await ConsoleCapture.RunAsync(["ab", "--base", build, "--head", build, "--mode", "sideways"]);
        var noBench = await ConsoleCapture.RunAsync(["ab", "--base", dir, "--head", build]);
        var badConfirm = await ConsoleCapture.RunAsync(["ab", "--base", build, "--head", build, "--confirm", "-1"]);

        Assert.Equal(ExitCodes.Usage, fewPairs.Code);
        Assert.Contains("--launches: the gate needs at least 6 pairs to reach p < 0.05", fewPairs.Stderr, StringComparison.Ordinal);
        Assert.Equal((ExitCodes.Usage, ExitCodes.Usage, ExitCodes.Usage), (fewBlocks.Code, mixed.Code, badMode.Code));
        Assert.Contains("--pairs: the gate needs at least 6 pairs to reach p < 0.05", fewBlocks.Stderr, StringComparison.Ordinal);
        Assert.Contains("--launches goes with --mode launches", mixed.Stderr, StringComparison.Ordinal);
        Assert.Contains("--mode: 'sideways' is not interleaved or launches", badMode.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, noBench.Code);
        Assert.Contains("--base: ", noBench.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, badConfirm.Code);
        Assert.Contains("--confirm", badConfirm.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>ab --mode launches</c> over two scripted builds whose <c>bench</c> writes a fixed result (head 3× slower): the
    /// job runs the pairs in ABBA order, merges each build's launches, gates them as pairs and confirms the regression.
    /// </summary>
    [Fact]
    public async Task Ab_by_launches_runs_abba_pairs_merges_and_confirms_a_regression()
    {
        var slow = Bench.Reports.Tests.Fixtures.Run();
        slow = slow with
        {
            Results = [.. slow.Results.Select(r => Bench.Reports.Tests.Fixtures.Result(r.Scenario, r.Transport, r.LatencyUs.P50 * 3))],
        };
        var baseBuild = ScriptedBuild("base", Bench.Reports.Tests.Fixtures.Run());
        var headBuild = ScriptedBuild("head", slow);
        var job = Path.Combine(dir, "job");

        var (code, stderr, stdout) = await ConsoleCapture.RunWithOutputAsync(
            ["ab", "--mode", "launches", "--base", baseBuild, "--head", headBuild, "--normalize", "false", "--confirm", "2", "--out", job]);

        Assert.True(code == ExitCodes.Regression, $"exit {code}: {stderr}");
        var launches = Directory.GetDirectories(job).Select(Path.GetFileName).Where(n => n![0] is >= '0' and <= '9').Order().ToList();
        Assert.Equal(16, launches.Count); // 6 pairs, then 2 more to confirm
        Assert.Equal(["01-base", "02-head", "03-head", "04-base"], launches.Take(4));
        Assert.Contains("confirming it with 2 more pairs", stdout, StringComparison.Ordinal);
        Assert.Equal(8, Bench.Reports.Json.ResultsJson.Read(Path.Combine(job, "head", "results.json")).Results[0].Launches.Count);
        Assert.True(File.Exists(Path.Combine(job, "compare.md")));
    }

    [Fact]
    public async Task Ab_by_launches_stops_with_exit_4_naming_a_launch_that_failed()
    {
        var baseBuild = ScriptedBuild("base", Bench.Reports.Tests.Fixtures.Run());
        var headBuild = Path.Combine(dir, "broken");
        Directory.CreateDirectory(headBuild);
        await WriteScript(Path.Combine(headBuild, "bench"), "echo the head broke >&2; exit 4");
        var job = Path.Combine(dir, "job");

        var (code, stderr) = await ConsoleCapture.RunAsync(
            ["ab", "--mode", "launches", "--base", baseBuild, "--head", headBuild, "--out", job]);

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("error: the head launch 2 exited with 4", stderr, StringComparison.Ordinal);
        Assert.Contains(
            "the head broke", await File.ReadAllTextAsync(Path.Combine(job, "02-head", "launch.log")), StringComparison.Ordinal);
    }

    /// <summary>A build folder whose bench writes <paramref name="run"/> as its results into the folder given by --out.</summary>
    private string ScriptedBuild(string name, Bench.Reports.Model.RunResults run)
    {
        var build = Path.Combine(dir, name);
        Directory.CreateDirectory(build);
        var results = Path.Combine(build, "fixed-results.json");
        Bench.Reports.Json.ResultsJson.Write(run, results);
        WriteScript(Path.Combine(build, "bench"),
            "out=\"\"; while [ $# -gt 0 ]; do [ \"$1\" = --out ] && out=\"$2\"; shift; done; "
                + $"mkdir -p \"$out\"; cp '{results}' \"$out/results.json\"")
            .GetAwaiter().GetResult();
        return build;
    }

    private static async Task WriteScript(string path, string body)
    {
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
