using System.Text.Json.Nodes;
using Bench.Harness;
using Bench.Harness.Distributed;
using Bench.Harness.TargetFiles;
using Bench.Reports.Json;
using Bench.Scenarios.Tests.Distributed;

namespace Bench.Scenarios.Tests.Cli;

/// <summary>
/// Files and lines built to hurt the commands that read them: each is refused with exit 2 and one line naming the
/// field, writes nothing outside the folder it was given, and costs no more memory than its cap.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class HostileFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-hostile-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>One error line (the usage hint that follows it is the same for every refusal), no stack trace.</summary>
    private static void AssertOneLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => !l.StartsWith("See 'bench --help'", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_of_a_shard_whose_scenario_is_a_path_exits_2_and_writes_nothing_outside_out()
    {
        var shards = Path.Combine(dir, "a", "b");
        Directory.CreateDirectory(shards);
        var shard = ShardLimitsTests.Shard(0, 1);
        var hostile = shard with { Result = shard.Result with { Scenario = "../../x/pwned" } };
        ResultsJson.WriteShard(hostile, Path.Combine(shards, "shard-0.json"));

        var (code, stderr) = await ConsoleCapture.RunAsync(["merge", shards, "--out", Path.Combine(shards, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("shard.result.scenario is '../../x/pwned'", stderr, StringComparison.Ordinal);
        AssertOneLine(stderr);
        Assert.Empty(Directory.GetFiles(dir, "*pwned*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Merge_of_a_shard_naming_more_events_than_it_declares_exits_2_in_one_line()
    {
        var shard = ShardLimitsTests.Shard(0, 1);
        ResultsJson.WriteShard(shard with { Accepted = "1-1000000000" }, Path.Combine(dir, "shard-0.json"));

        var (code, stderr) = await ConsoleCapture.RunAsync(["merge", dir, "--out", Path.Combine(dir, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("accepted names event 1,000,000,000", stderr, StringComparison.Ordinal);
        AssertOneLine(stderr);
    }

    [Fact]
    public async Task Report_of_results_holding_a_null_result_exits_2_in_one_line()
    {
        var file = Path.Combine(dir, "results.json");
        await File.WriteAllTextAsync(file, Bench.Reports.Tests.Json.JsonDamage.Of("results.0", "null"));

        var (code, stderr) = await ConsoleCapture.RunAsync(["report", file, "--out", Path.Combine(dir, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("results[0] is null", stderr, StringComparison.Ordinal);
        AssertOneLine(stderr);
    }

    [Theory]
    [InlineData("compare")]
    [InlineData("trend")]
    public async Task A_gate_file_of_null_metrics_exits_2_in_one_line(string command)
    {
        var results = Path.Combine(dir, "results.json");
        ResultsJson.Write(Bench.Reports.Tests.Fixtures.Run(), results);
        var gate = Path.Combine(dir, "gate.json");
        await File.WriteAllTextAsync(gate, "{\"metrics\":[null]}");
        string[] args = command == "compare"
            ? ["compare", results, results, "--gate", gate, "--out", Path.Combine(dir, "out")]
            : ["trend", results, "--gate", gate, "--out", Path.Combine(dir, "out")];

        var (code, stderr) = await ConsoleCapture.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("metrics[0] is null", stderr, StringComparison.Ordinal);
        AssertOneLine(stderr);
    }

    [Fact]
    public async Task Trend_refuses_a_junit_file_over_its_cap_in_one_line()
    {
        ResultsJson.Write(Bench.Reports.Tests.Fixtures.Run(), Path.Combine(dir, "results.json"));
        var junit = "<testsuites>" + new string(' ', 5 * 1024 * 1024) + "</testsuites>";
        await File.WriteAllTextAsync(Path.Combine(dir, "compare.junit.xml"), junit);

        var (code, stderr) = await ConsoleCapture.RunAsync(["trend", dir, "--out", Path.Combine(dir, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("compare.junit.xml is 5 MiB; Bench reads files of this kind of up to 4 MiB", stderr, StringComparison.Ordinal);
        AssertOneLine(stderr);
    }

    [Fact]
    public void A_target_file_over_its_cap_is_refused_before_it_is_parsed()
    {
        var file = Path.Combine(dir, "big.yaml");
        File.WriteAllText(file, "transport: websocket\n#" + new string('x', 2 * 1024 * 1024) + "\n");

        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(file));

        Assert.Contains("Bench reads files of this kind of up to 1 MiB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_agent_reads_a_huge_line_in_bounded_memory_and_keeps_only_its_start()
    {
        var huge = new string('g', 20 * 1024 * 1024) + "\nstop\n";
        using var input = new StringReader(huge);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var first = AgentRun.ReadBoundedLine(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(new string('g', 40) + "…", first);
        Assert.Equal("stop", AgentRun.ReadBoundedLine(input));
        Assert.Null(AgentRun.ReadBoundedLine(input));
        Assert.True(allocated < 1024 * 1024, $"{allocated} bytes");
    }

    [Fact]
    public void An_agent_told_to_start_far_in_the_future_refuses_instead_of_waiting_for_ever()
    {
        var clock = new StillClock();

        var e = Assert.Throws<InvalidDataException>(() => AgentRun.ParseStart("start 99999999999999999", clock, 2));

        Assert.StartsWith("agent 2: start 99999999999999999 is more than 10 minutes ahead", e.Message, StringComparison.Ordinal);
        var soon = clock.GetTimestamp() + clock.TimestampFrequency;
        Assert.Equal(soon, AgentRun.ParseStart($"start {soon}", clock, 2));
    }

    [Fact]
    public void A_shard_read_back_keeps_its_text_on_one_line()
    {
        var shard = ShardLimitsTests.Shard(0, 1) with { Host = "h\r\n![x](/etc/passwd)" };
        var file = Path.Combine(dir, "shard-0.json");
        ResultsJson.WriteShard(shard, file);
        Assert.Contains("\\r\\n", JsonNode.Parse(File.ReadAllText(file))!["host"]!.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal("h  ![x](/etc/passwd)", ResultsJson.ReadShard(file).Host);
    }

    /// <summary>A monotonic clock that stands at one second (of nanoseconds).</summary>
    private sealed class StillClock : TimeProvider
    {
        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => 1_000_000_000;
    }
}
