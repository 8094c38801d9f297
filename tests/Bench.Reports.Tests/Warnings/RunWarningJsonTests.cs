using System.Text.Json.Nodes;
using Bench.Reports.Json;
using Bench.Reports.Model;
using Bench.Reports.Tests.Json;
using Bench.Reports.Warnings;

namespace Bench.Reports.Tests.Warnings;

/// <summary>
/// Warnings in results.json: their text stays in <c>warnings</c> as it always was, their kind, scope, effect and unit
/// go beside it in <c>warningDetails</c>; a file without details still reads, and a malformed detail is refused by path.
/// </summary>
public sealed class RunWarningJsonTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-warnings-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_warning_round_trips_through_results_json_with_its_kind_scope_and_effect()
    {
        var lossy = WarningKinds.NotExactlyOnce.Of(3, 1).In("agent 1").In("launch 2");
        var run = WithWarnings(lossy, WarningKinds.CoarseCpu.Of(2, 10), WarningKinds.Cancelled.Of());
        var file = Path.Combine(dir, "results.json");

        ResultsJson.Write(run, file);
        var read = ResultsJson.Read(file).Results[0].Warnings;

        Assert.Equal(["not-exactly-once", "coarse-cpu", "cancelled"], read.Select(w => w.Kind.Name));
        Assert.Same(WarningKinds.NotExactlyOnce, read[0].Kind);
        Assert.Equal(("launch 2: agent 1", 4.0, "events"), (read[0].Scope, read[0].Effect, read[0].Unit));
        Assert.Equal("events not delivered exactly once: 3 lost, 1 duplicated.", read[0].Sentence);
        Assert.Equal("launch 2: agent 1: events not delivered exactly once: 3 lost, 1 duplicated.", read[0].Text);
        Assert.Equal((null, 2.0, "blocks"), (read[1].Scope, read[1].Effect, read[1].Unit));
        Assert.Equal((null, null), (read[2].Effect, read[2].Unit));
        Assert.Equal(run.Results[0].Warnings, read);
    }

    [Fact]
    public void Warnings_stays_an_array_of_the_texts_and_warning_details_follows_it_in_the_same_order()
    {
        var run = WithWarnings(WarningKinds.LateDeliveries.Of(7).In("target launch 3"), WarningKinds.DrainIncomplete.Of());

        var result = JsonNode.Parse(ResultsJson.Serialize(run))!["results"]![0]!.AsObject();

        Assert.Equal(
            [
                "target launch 3: 7 deliveries arrived after their block's drain limit (5 s after its last publish), before the"
                    + " target launch ended: counted delivered, not lost; their own block's latency percentiles do not hold them",
                "the drain period ended before every published event had arrived at every subscriber.",
            ],
            result["warnings"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal(
            """[{"kind":"late-deliveries","scope":"target launch 3","effect":7,"unit":"deliveries"},{"kind":"drain-incomplete"}]""",
            result["warningDetails"]!.ToJsonString());
        var names = result.Select(p => p.Key).ToList();
        Assert.Equal(names.IndexOf("warnings") + 1, names.IndexOf("warningDetails"));
    }

    [Fact]
    public void An_old_results_file_without_details_reads_each_warning_as_kind_other_with_its_text()
    {
        var old = ResultsJson.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "faults.results.json"));

        var warning = Assert.Single(old.Results[0].Warnings);

        Assert.Null(old.Results[0].WarningDetails);
        Assert.Same(WarningKinds.Other, warning.Kind);
        Assert.Null(warning.Scope);
        Assert.Null(warning.Effect);
        Assert.StartsWith("the generator ran late: schedule lag p99 35.9 ms", warning.Text, StringComparison.Ordinal);
        Assert.Equal(old.Results[0].WarningTexts, old.Results[0].Warnings.Select(w => w.Text));
    }

    [Fact]
    public void A_kind_this_bench_does_not_know_is_kept_and_written_back_as_read()
    {
        var root = JsonNode.Parse(ResultsJson.Serialize(Fixtures.Run()))!;
        root["results"]![0]!["warnings"] = JsonNode.Parse("""["the queue was full 12 times."]""");
        root["results"]![0]!["warningDetails"] = JsonNode.Parse("""[{"kind":"queue-full","effect":12,"unit":"messages"}]""");
        var file = Path.Combine(dir, "newer.json");
        File.WriteAllText(file, root.ToJsonString());

        var warning = Assert.Single(ResultsJson.Read(file).Results[0].Warnings);

        Assert.Equal(("queue-full", 12.0, "messages"), (warning.Kind.Name, warning.Effect, warning.Unit));
        Assert.Equal(new WarningDetail("queue-full", null, 12, "messages"), WarningDetail.Of(warning));
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "results.0.warningDetails", """[{"kind":"cancelled"}]""", "results[0].warningDetails has 1 entries for 0 warnings" },
        { "results.1.warningDetails.0.kind", "\"Not Exactly Once\"", "results[1].warningDetails[0].kind is 'Not Exactly Once'" },
        { "results.1.warningDetails.0.effect", "-2", "results[1].warningDetails[0].effect is -2" },
        {
            "results.1.warningDetails.0.scope", "\"launch 9\"",
            "results[1].warningDetails[0].scope is 'launch 9', but the warning's text does not begin with it"
        },
        { "results.1.warningDetails.0.unit", "\"events\"", "results[1].warningDetails[0].unit is given without an effect" },
        { "results.1.warningDetails.0", "null", "results[1].warningDetails[0] is null" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_warning_detail_is_refused_with_its_path(string path, string value, string message)
    {
        var file = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, JsonDamage.Of(path, value));

        var e = Assert.Throws<InvalidDataException>(() => ResultsJson.Read(file));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static RunResults WithWarnings(params RunWarning[] warnings)
    {
        var run = Fixtures.Run();
        return run with { Results = [run.Results[0] with { Warnings = warnings }, .. run.Results.Skip(1)] };
    }
}
