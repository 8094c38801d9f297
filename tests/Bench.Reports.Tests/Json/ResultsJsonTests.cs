using Bench.Reports.Json;

namespace Bench.Reports.Tests.Json;

public sealed class ResultsJsonTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-json-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Results_written_and_read_back_are_equal_in_every_figure()
    {
        var run = Fixtures.Run();
        var path = Path.Combine(dir, "results.json");

        ResultsJson.Write(run, path);
        var back = ResultsJson.Read(path);

        Assert.Equal(ResultsJson.Serialize(run), ResultsJson.Serialize(back));
        Assert.Equal(run.Results[1].ErrorsByKind["http_503"], back.Results[1].ErrorsByKind["http_503"]);
    }

    [Fact]
    public void A_block_that_delivered_nothing_is_written_with_cpu_per_event_null_and_read_back_as_no_value_for_the_gate()
    {
        // 0 ÷ 0: JSON has no NaN, and writing one threw, losing the whole file (seen in a bench ab job of 200 ms blocks).
        var run = Fixtures.Run();
        var empty = new Model.LaunchFigures(0, 0, 0, double.NaN, 10, 0, 10, 0, 0, 1);
        run = run with { Results = [run.Results[0] with { Launches = [empty] }, .. run.Results.Skip(1)] };
        var path = Path.Combine(dir, "results.json");

        ResultsJson.Write(run, path);
        var back = ResultsJson.Read(path);

        Assert.Contains("\"targetCpuUsPerEvent\": null", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.True(double.IsNaN(back.Results[0].Launches.Single().TargetCpuUsPerEvent));
        Assert.True(double.IsNaN(Assert.Single(Bench.Reports.Gate.GateComparer.Values(back.Results[0], "target.cpuUsPerEvent"))));
    }

    [Fact]
    public void Results_written_before_launches_and_micro_existed_read_back_with_them_empty()
    {
        var json = System.Text.RegularExpressions.Regex.Replace(
            ResultsJson.Serialize(Fixtures.Run()), @",\s*""(launches|micro)"": \[\]", "");
        Assert.DoesNotContain("\"launches\"", json, StringComparison.Ordinal);
        var path = Path.Combine(dir, "old.json");
        File.WriteAllText(path, json);

        var back = ResultsJson.Read(path);

        Assert.Empty(back.Micro);
        Assert.All(back.Results, r => Assert.Empty(r.Launches));
    }

    [Fact]
    public void The_json_uses_the_documented_field_names()
    {
        var json = ResultsJson.Serialize(Fixtures.Run());

        var fields = new[]
        {
            "\"schema\": \"bench-results/1\"",
            "\"runId\"",
            "\"latencyUs\"",
            "\"p999\"",
            "\"offeredPerSec\"",
            "\"outOfOrder\"",
            "\"errorsByKind\"",
            "\"scheduleLagP99Us\"",
            "\"peakRssMiB\"",
            "\"histogram\"",
        };
        foreach (var field in fields)
        {
            Assert.Contains(field, json, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("not json at all", "not a Bench results file")]
    [InlineData(
        "{\"schema\":\"bench-results/99\",\"runId\":\"x\",\"startedAt\":\"2026-11-27T00:00:00Z\",\"profile\":\"quick\","
            + "\"environment\":{\"os\":\"\",\"cpu\":\"\",\"logicalCores\":1,\"memoryGiB\":1,\"runtime\":\"\",\"gc\":\"\","
            + "\"commit\":null,\"commandLine\":\"\"},\"results\":[]}",
        "schema 'bench-results/99'")]
    [InlineData("{\"hello\":\"world\"}", "not a Bench results file")]
    public void A_file_that_is_not_bench_results_is_refused_with_a_reason(string content, string reason)
    {
        var path = Path.Combine(dir, "bad.json");
        File.WriteAllText(path, content);

        var e = Assert.Throws<InvalidDataException>(() => ResultsJson.Read(path));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
