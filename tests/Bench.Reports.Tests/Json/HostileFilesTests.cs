using System.Buffers.Binary;
using System.IO.Compression;
using Bench.Reports.Gate;
using Bench.Reports.Histograms;
using Bench.Reports.Json;

namespace Bench.Reports.Tests.Json;

/// <summary>
/// Files built to hurt the reader: a name that is a path, a null in a list, a histogram that inflates to gigabytes,
/// text of megabytes, a gate file of nulls. Each is refused with the field named (exit 2 at the command), before it
/// costs memory or writes anything.
/// </summary>
public sealed class HostileFilesTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-hostile-files-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string, string> PathNames => new()
    {
        { "results.0.scenario", "\"../../x/pwned\"", "results[0].scenario is '../../x/pwned'" },
        { "results.0.transport", "\"a/b\"", "results[0].transport" },
        { "results.0.variant", "\"..\\\\x\"", "results[0].variant" },
        { "results.0.scenario", "\"push)\\n![x](/etc/passwd\"", "results[0].scenario" },
        { "results.0", "null", "results[0] is null" },
        { "results.0.warnings", "[null]", "results[0].warnings[0] is null" },
        { "results.0.description", "\"" + new string('d', 70_000) + "\"", "results[0].description is 70000 characters long" },
    };

    [Theory]
    [MemberData(nameof(PathNames))]
    public void A_results_file_with_a_hostile_field_is_refused_naming_it(string path, string value, string message)
    {
        var file = Path.Combine(dir, "results.json");
        File.WriteAllText(file, JsonDamage.Of(path, value));

        var e = Assert.Throws<InvalidDataException>(() => ResultsJson.Read(file));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Results_made_in_process_with_a_path_for_a_name_write_nothing_outside_the_report_folder()
    {
        var run = Fixtures.Run();
        var hostile = run with { Results = [run.Results[0] with { Scenario = "../../pwned" }, .. run.Results.Skip(1)] };
        var report = Path.Combine(dir, "a", "b");

        Assert.Throws<InvalidDataException>(() => ReportWriter.Write(hostile, report));

        Assert.Empty(Directory.GetFiles(dir, "*pwned*", SearchOption.AllDirectories));
    }

    /// <summary>64 MiB of zeros, deflated to about 64 KB: the shape of the 1 MB histogram that inflated to 4 GiB.</summary>
    private static string Bomb()
    {
        using var output = new MemoryStream();
        output.Write(new byte[8]);
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                zlib.Write(zeros);
            }
        }

        var bytes = output.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0, 4), 0x1c849314);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4, 4), bytes.Length - 8);
        return Convert.ToBase64String(bytes);
    }

    [Fact]
    public void A_histogram_zip_bomb_is_refused_before_it_inflates_past_the_cap()
    {
        var bomb = Bomb();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => HistogramCodec.Decode(bomb));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("inflates to more than 4 MiB", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 32L * 1024 * 1024, $"decoding the bomb allocated {allocated / (1024 * 1024)} MiB");

        var file = Path.Combine(dir, "results.json");
        File.WriteAllText(file, JsonDamage.Of("results.0.latencyUs.histogram", "\"" + bomb + "\""));
        var refused = Assert.Throws<InvalidDataException>(() => ResultsJson.Read(file));
        Assert.Contains("results[0].latencyUs.histogram is not a histogram", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"metrics\":[null]}", "metrics[0] is null")]
    [InlineData("{\"metrics\":[{\"name\":null,\"threshold\":0.1}]}", "metrics[0] is null or lacks name")]
    [InlineData("{\"exactCounts\":[null]}", "exactCounts[0] is null")]
    public void A_gate_file_of_nulls_is_refused_naming_the_field(string json, string message)
    {
        var file = Path.Combine(dir, "gate.json");
        File.WriteAllText(file, json);

        var e = Assert.Throws<InvalidDataException>(() => GateFile.Read(file));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gate_file_larger_than_its_cap_is_refused_before_it_is_read()
    {
        var file = Path.Combine(dir, "gate.json");
        File.WriteAllText(file, "{\"metrics\":[]," + new string(' ', 2 * 1024 * 1024) + "}");

        var e = Assert.Throws<InvalidDataException>(() => GateFile.Read(file));

        Assert.Contains("up to 1 MiB", e.Message, StringComparison.Ordinal);
    }
}
