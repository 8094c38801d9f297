using System.Text.Json;
using Bench.Harness;
using Bench.Harness.Calibration;
using Bench.Harness.Gate;
using Bench.Reports.Gate;
using Bench.Reports.Model;
using Bench.Scenarios.Tests.EndToEnd;

namespace Bench.Scenarios.Tests.Cli;

/// <summary>
/// <c>bench calibrate --run</c>, end to end in a tiny form (websocket only, 2 pairs of 300 ms blocks per job, 5 draws),
/// and its bad options. 2 pairs can never reach the gate's significance, so every draw is inconclusive, no rule set
/// meets the goals, and only <c>--force</c> writes the file.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CalibrateRunTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-calibrate-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_tiny_run_writes_a_gate_file_bench_ab_accepts_recording_the_rates_it_printed()
    {
        var gatePath = Path.Combine(dir, "gate", "bench.gate.json");

        var (code, stderr, stdout) = await ConsoleCapture.RunWithOutputAsync(
            [
                "calibrate", "--run", "--transport", "websocket", "--pairs", "2", "--draws", "5", "--block", "300ms",
                "--out", Path.Combine(dir, "jobs"), "--write-gate", gatePath, "--force",
            ]);

        Assert.True(code == ExitCodes.Inconclusive, stderr + stdout);
        Assert.Contains("job 3 of 3: wait", stdout, StringComparison.Ordinal);
        Assert.Contains("None chosen: no rule set met the goals", stdout, StringComparison.Ordinal);
        foreach (var job in new[] { "aa", "burn", "wait" })
        {
            Assert.True(AbJobFolder.Read(Path.Combine(dir, "jobs", job)) is not null, job);
        }

        var problems = new List<string>();
        var (gate, _, _) = GateRun.LoadInputs(gatePath, null, problems);
        Assert.Empty(problems);
        Assert.Equal(GateFile.Interleaved.Metrics, gate.Metrics);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(gatePath));
        var calibration = json.RootElement.GetProperty("calibration");
        Assert.Equal(Environment.ProcessorCount, calibration.GetProperty("machine").GetProperty("cores").GetInt32());
        Assert.Equal(JsonValueKind.Null, calibration.GetProperty("chosen").ValueKind);
        Assert.Equal(2, calibration.GetProperty("pools").GetProperty("wait").GetProperty("pairsPerCase").GetInt32());
        Assert.Equal("BENCH_INJECT_WAIT=50us", calibration.GetProperty("pools").GetProperty("wait").GetProperty("headEnv").GetString());
        var printed = RuleSetRows(stdout);
        Assert.Contains("What each job moved", stdout, StringComparison.Ordinal);
        Assert.Contains("| push/websocket | ", stdout, StringComparison.Ordinal);
        Assert.Equal(["push/websocket", "rtt/websocket"],
            calibration.GetProperty("moved").GetProperty("wait").EnumerateArray().Select(m => m.GetProperty("case").GetString()).Order());
        var recorded = calibration.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(GateCandidates.Grid().Count, recorded.Count);
        Assert.Equal(recorded.Count, printed.Count);
        foreach (var (row, candidate) in printed.Zip(recorded))
        {
            int Exit(string pool, string exit) => candidate.GetProperty(pool).GetProperty(exit).GetInt32();
            Assert.Equal(candidate.GetProperty("name").GetString(), row[0]);
            Assert.Equal(
                [Exit("aa", "exit1"), Exit("aa", "exit3"), Exit("burn", "exit1"), Exit("burn", "exit3"), Exit("wait", "exit1"),
                    Exit("wait", "exit3")],
                row[1..7].Select(int.Parse));
            Assert.Equal(5, Exit("aa", "exit0") + Exit("aa", "exit1") + Exit("aa", "exit3"));
        }

        Assert.Empty(TargetProcesses.Children());

        // --from gates the same jobs again without running them: the same rates, and the head's variable from job.json.
        var rejudged = Path.Combine(dir, "rejudged.json");
        var (fromCode, fromErr, fromOut) = await ConsoleCapture.RunWithOutputAsync(
            ["calibrate", "--run", "--from", Path.Combine(dir, "jobs"), "--draws", "5", "--write-gate", rejudged, "--force"]);
        Assert.True(fromCode == ExitCodes.Inconclusive, fromErr + fromOut);
        Assert.DoesNotContain("job 1 of 3", fromOut, StringComparison.Ordinal);
        Assert.Equal(printed, RuleSetRows(fromOut));
        using (var again2 = JsonDocument.Parse(await File.ReadAllTextAsync(rejudged)))
        {
            var pool = again2.RootElement.GetProperty("calibration").GetProperty("pools").GetProperty("wait");
            Assert.Equal("BENCH_INJECT_WAIT=50us", pool.GetProperty("headEnv").GetString());
        }

        // Without --force, the same pools write nothing and exit 3, printing the same table.
        var pools = new[] { "aa", "burn", "wait" }.Select(job => AbJobFolder.Read(Path.Combine(dir, "jobs", job))!.Value)
            .Select(p => (p.Base, p.Head, (string?)null)).ToList();
        var unforced = Path.Combine(dir, "unforced.json");
        using var again = new StringWriter();
        var exit = await CalibrationRun.ConcludeAsync(pools, new CalibrationSettings(5, 2, 1, 2, TimeSpan.FromMilliseconds(300), 2,
            unforced, Force: false), again, CancellationToken.None);
        Assert.Equal(ExitCodes.Inconclusive, exit);
        Assert.False(File.Exists(unforced));
        Assert.Contains("No gate file written", again.ToString(), StringComparison.Ordinal);
        Assert.All(printed, row => Assert.Contains($"| {string.Join(" | ", row)} |", again.ToString(), StringComparison.Ordinal));

        // Pools made to order from the A/A job's first launch: 20 pairs each, A/A within ±2 %, the burn +50 % CPU per
        // event, the wait +25 % p50 and p90. Every rule set with p50 at 20 % or less catches every wait and burn, so the
        // tie goes to the built-in rules; p50 at 30 % misses the waits.
        var template = pools[0].Base;
        RunResults Side(int side, double cpu, double p50) => template with
        {
            Results = [.. template.Results.Select(r => r with
            {
                Launches = [.. Enumerable.Range(0, 20).Select(k =>
                {
                    var jitter = 1 + (0.01 * (((k * (side + 3)) % 5) - 2));
                    var first = k % 2 == 0 ? 0 : 1;
                    return r.Launches[0] with
                    {
                        P50Us = (long)(1000 * p50 * jitter),
                        P99Us = (long)(5000 * p50 * jitter),
                        TargetCpuUsPerEvent = 50 * cpu * jitter,
                        Lost = 0,
                        Duplicated = 0,
                        Errors = 0,
                        Position = (2 * k) + (side == first ? 1 : 2),
                        P90Us = (long)(2000 * p50 * jitter),
                    };
                })],
            })],
        };
        var made = new List<(RunResults, RunResults, string?)>
        {
            (Side(0, 1, 1), Side(1, 1, 1), null), (Side(0, 1, 1), Side(1, 1.5, 1), "BENCH_INJECT_DELAY=20us"),
            (Side(0, 1, 1), Side(1, 1, 1.25), "BENCH_INJECT_WAIT=200us"),
        };
        var chosenPath = Path.Combine(dir, "chosen.json");
        using var chosenOutput = new StringWriter();
        exit = await CalibrationRun.ConcludeAsync(made, new CalibrationSettings(20, 20, 1, 20, TimeSpan.FromSeconds(1), 2, chosenPath,
            Force: false), chosenOutput, CancellationToken.None);
        Assert.True(exit == ExitCodes.Ok, chosenOutput.ToString());
        Assert.Contains("| built in (chosen) | 0 | 0 | 20 | 0 | 20 | 0 | met |", chosenOutput.ToString(), StringComparison.Ordinal);
        Assert.Contains("| CPU 15 %, p50 30 % | 0 | 0 | 20 | 0 | 0 |", chosenOutput.ToString(), StringComparison.Ordinal);

        // Latency alone catches the waits and none of the burns (their CPU moved, their latency did not).
        Assert.Contains("| p50 20 % | 0 | 0 | 0 | 0 | 20 | 0 | met |", chosenOutput.ToString(), StringComparison.Ordinal);

        // What each job moved (each side jitters by up to ±2 %): the wait 1.25× p50 and p90 with CPU flat, the burn
        // 1.5× CPU with latency flat.
        Assert.Contains("| rtt/websocket | ", chosenOutput.ToString(), StringComparison.Ordinal);
        using (var movedJson = JsonDocument.Parse(await File.ReadAllTextAsync(chosenPath)))
        {
            var moved = movedJson.RootElement.GetProperty("calibration").GetProperty("moved");
            double Move(string job, string figure) => moved.GetProperty(job)[0].GetProperty(figure).GetDouble();
            Assert.Equal([1.25, 1.25, 1.0, 1.0, 1.0, 1.5],
                [Move("wait", "p50"), Move("wait", "p90"), Move("wait", "cpuPerEvent"), Move("burn", "p50"), Move("burn", "p90"),
                    Move("burn", "cpuPerEvent")],
                new ToleranceComparer(0.05));
        }
        using var chosenJson = JsonDocument.Parse(await File.ReadAllTextAsync(chosenPath));
        Assert.Equal("built in", chosenJson.RootElement.GetProperty("calibration").GetProperty("chosen").GetString());
        Assert.Empty(problems);
        _ = GateRun.LoadInputs(chosenPath, null, problems);
        Assert.Empty(problems);
    }

    private static List<string[]> RuleSetRows(string stdout)
    {
        var lines = stdout.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("| rule set", StringComparison.Ordinal));
        Assert.True(header >= 0, stdout);
        return [.. lines.Skip(header + 2).TakeWhile(l => l.StartsWith("| ", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1..^1])];
    }

    [Theory]
    [InlineData("--pairs", "calibrate --run --pairs 0")]
    [InlineData("--burn", "calibrate --run --burn 50ms")]
    [InlineData("--wait", "calibrate --run --wait 0us")]
    [InlineData("--block", "calibrate --run --block 100ms")]
    [InlineData("--transport", "calibrate --run --transport pigeon")]
    [InlineData("--launches", "calibrate --run --pairs 4 --launches 6")]
    [InlineData("--paired", "calibrate --run --paired")]
    [InlineData("--write-gate", "calibrate some-pool --write-gate x.json")]
    [InlineData("pool", "calibrate")]
    [InlineData("--from", "calibrate some-pool --from jobs")]
    [InlineData("--from", "calibrate --run --from /nonexistent-bench-jobs")]
    [InlineData("--pairs", "calibrate --run --from . --pairs 3")]
    public async Task A_bad_option_exits_2_with_one_line_naming_it(string option, string command)
    {
        var (code, stderr) = await ConsoleCapture.RunAsync(command.Split(' '));

        Assert.Equal(ExitCodes.Usage, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(option, line, StringComparison.Ordinal);
    }
}

/// <summary>Equal within an absolute tolerance.</summary>
file sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

    public int GetHashCode(double obj) => 0;
}

/// <summary>How <c>bench calibrate --run</c> chooses among rule sets from their rates.</summary>
public sealed class GateCandidateChoiceTests
{
    private static readonly IReadOnlyList<GateCandidate> Grid = GateCandidates.Grid();

    private static CandidateRates Rates(int index, int aa1, int aa3, int burn1, int wait1) =>
        new(Grid[index], 100, [100 - aa1 - aa3, aa1, 0, aa3], [100 - burn1, burn1, 0, 0], [100 - wait1, wait1, 0, 0]);

    [Fact]
    public void The_grid_starts_with_the_built_in_rules_and_holds_no_rule_set_twice()
    {
        Assert.True(Grid[0].IsBuiltIn);
        Assert.Equal(GateFile.Interleaved.Metrics, Grid[0].Metrics);
        Assert.Equal(Grid.Count, Grid.Select(c => c.Name).Distinct().Count());
        Assert.Single(Grid, c => c.IsBuiltIn);
    }

    [Fact]
    public void The_most_waits_caught_wins_among_those_meeting_the_goals()
    {
        var (chosen, reason) = GateCandidates.Choose([Rates(0, 0, 2, 100, 40), Rates(1, 0, 4, 90, 70), Rates(2, 1, 0, 100, 100)]);

        Assert.Same(Grid[1], chosen!.Candidate);
        Assert.Contains("2 of 3 rule sets met the goals", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Burns_break_a_tie_on_waits()
    {
        var (chosen, _) = GateCandidates.Choose([Rates(0, 0, 0, 80, 50), Rates(3, 0, 0, 95, 50)]);

        Assert.Same(Grid[3], chosen!.Candidate);
    }

    [Fact]
    public void A_tie_on_both_goes_to_the_built_in_rules_else_to_the_fewest_AA_exit_3()
    {
        Assert.True(GateCandidates.Choose([Rates(2, 0, 3, 90, 50), Rates(0, 0, 4, 90, 50)]).Chosen!.Candidate.IsBuiltIn);
        Assert.Same(Grid[3], GateCandidates.Choose([Rates(2, 0, 3, 90, 50), Rates(3, 0, 1, 90, 50)]).Chosen!.Candidate);
    }

    [Theory]
    [InlineData(1, 0)] // one false alarm
    [InlineData(0, 5)] // 5 % inconclusive: not under 5 %
    public void None_is_chosen_when_no_rule_set_meets_the_AA_goals(int aa1, int aa3)
    {
        var (chosen, reason) = GateCandidates.Choose([Rates(0, aa1, aa3, 100, 100), Rates(1, 2, 0, 100, 100)]);

        Assert.Null(chosen);
        Assert.Contains("no rule set met the goals", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Four_AA_exit_3_in_100_draws_meets_the_goals()
    {
        Assert.True(Rates(0, 0, 4, 0, 0).MeetsGoals);
    }
}
