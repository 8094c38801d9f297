using Bench.Harness;
using Bench.Harness.TargetFiles;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using FsCheck.Xunit;

namespace Bench.Scenarios.Tests.Cli;

/// <summary>
/// Damaged files given to the commands: each is refused with exit 2 and one line naming the field, never a stack trace;
/// and a fuzz pass over the target-file and gate-file readers.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DamagedInputTests : IDisposable
{
    /// <summary>Characters a mutation writes: the ones that matter to the format.</summary>
    private const string Alphabet = ":-{}[]\"'#&*!|>%@`\n\t 0a";

    /// <summary>Characters a mutation writes: the ones that matter to the format.</summary>
    private const string Alphabet2 = "-0123456789\"{}[],:n.e";

    private readonly string dir = Directory.CreateTempSubdirectory("bench-damaged-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string, string> Damage => new()
    {
        { "results", "null", "results" },
        { "results.0.timeline", "null", "timeline" },
        { "results.0.warnings", "null", "warnings" },
        { "results.0.latencyUs.histogram", "\"%%% not base64\"", "not a histogram" },
        { "results.0.latencyUs.histogram", "\"AAAAAAAAAAAAAAAA\"", "not a histogram" },
        { "results.0.counts.lost", "-7", "results[0].counts.lost is -7" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task Report_refuses_a_damaged_results_file_with_exit_2_and_one_line(string path, string value, string message)
    {
        var file = Path.Combine(dir, "results.json");
        await File.WriteAllTextAsync(file, Bench.Reports.Tests.Json.JsonDamage.Of(path, value));

        var (code, stderr) = await ConsoleCapture.RunAsync(["report", file, "--out", Path.Combine(dir, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, stderr.Split('\n')[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_to_a_folder_that_cannot_be_made_exits_2_naming_out()
    {
        var file = Path.Combine(dir, "results.json");
        ResultsJson.Write(Bench.Reports.Tests.Fixtures.Run(), file);
        var notAFolder = Path.Combine(dir, "plain-file");
        await File.WriteAllTextAsync(notAFolder, "x");

        var (code, stderr) = await ConsoleCapture.RunAsync(["report", file, "--out", Path.Combine(notAFolder, "report")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith(
            "--out: cannot write the report", stderr.Replace("error: ", "", StringComparison.Ordinal).Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static readonly string[] TargetSeeds = Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples", "targets"), "*.yaml");

    /// <summary>Fuzz: an example target file, damaged at random, loads or is refused with a TargetFileException — nothing else.</summary>
    [Property(MaxTest = 300)]
    public void A_randomly_damaged_target_file_loads_or_is_refused_naming_why(int seed)
    {
        var random = new Random(seed);
        var text = TextDamage.Apply(File.ReadAllText(TargetSeeds[random.Next(TargetSeeds.Length)]), random, Alphabet);

        var file = Path.Combine(dir, $"target-{seed}.yaml");
        File.WriteAllText(file, text);
        try
        {
            _ = TargetFile.Load(file);
        }
        catch (TargetFileException e)
        {
            Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
        }
        catch (Exception e)
        {
            Assert.Fail($"seed {seed}: {e.GetType().Name}: {e.Message}\n{File.ReadAllText(file)}\n{e.StackTrace}");
        }
    }

    /// <summary>Fuzz: a gate file, damaged at random, reads or is refused with an InvalidDataException — nothing else.</summary>
    [Property(MaxTest = 300)]
    public void A_randomly_damaged_gate_file_reads_or_is_refused_naming_why(int seed)
    {
        var random = new Random(seed);
        var text = GateFile.Default.ToJson().ToCharArray().ToList();
        for (var i = random.Next(1, 4); i > 0 && text.Count > 0; i--)
        {
            var at = random.Next(text.Count);
            if (random.Next(2) == 0)
            {
                text[at] = Alphabet2[random.Next(Alphabet2.Length)];
            }
            else
            {
                text.RemoveRange(at, Math.Min(random.Next(1, 20), text.Count - at));
            }
        }

        var file = Path.Combine(dir, $"gate-{seed}.json");
        File.WriteAllText(file, new string([.. text]));
        try
        {
            _ = GateFile.Read(file);
        }
        catch (InvalidDataException)
        {
            // Refused, saying why.
        }
    }
}
