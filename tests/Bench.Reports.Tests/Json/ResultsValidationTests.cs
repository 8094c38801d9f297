using Bench.Reports.Json;
using FsCheck.Xunit;

namespace Bench.Reports.Tests.Json;

/// <summary>A damaged or hand-edited results file is refused as it is read, naming the field; it never crashes a renderer.</summary>
public sealed class ResultsValidationTests : IDisposable
{
    /// <summary>Characters a mutation writes: the ones that matter to the format.</summary>
    private const string Alphabet = "-0123456789\"{}[],:n \\x";

    private readonly string dir = Directory.CreateTempSubdirectory("bench-validate-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string, string, string> Damage => new()
    {
        { "results", "null", "results" },
        { "results.0.timeline", "null", "timeline" },
        { "results.0.warnings", "null", "warnings" },
        { "results.0.errorsByKind", "null", "errorsByKind" },
        { "results.0.latencyUs.histogram", "\"not base64!\"", "latencyUs.histogram is not a histogram" },
        { "results.0.latencyUs.histogram", "\"aGVsbG8gd29ybGQ=\"", "latencyUs.histogram is not a histogram" },
        { "results.0.counts.delivered", "-5", "results[0].counts.delivered is -5" },
        { "results.0.counts.lost", "-1", "results[0].counts.lost is -1" },
        { "results.0.latencyUs.p99", "-20", "results[0].latencyUs.p99 is -20" },
        { "results.0.throughput.achievedPerSec", "-3.5", "throughput.achievedPerSec is -3.5" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public void A_damaged_field_is_refused_with_its_path(string path, string value, string message)
    {
        var file = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, JsonDamage.Of(path, value));

        var e = Assert.Throws<InvalidDataException>(() => ResultsJson.Read(file));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_results_file_over_the_size_limit_is_refused_before_it_is_parsed()
    {
        var file = Path.Combine(dir, "huge.json");
        using (var stream = File.Create(file))
        {
            stream.SetLength(ResultsJson.MaxBytes + 1);
        }

        var e = Assert.Throws<InvalidDataException>(() => ResultsJson.Read(file));

        Assert.Contains("up to 64 MB", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Fuzz: a real results file, damaged at random (bytes changed, cut short, a span dropped or repeated), is either
    /// refused with <see cref="InvalidDataException"/> or read and rendered whole — never anything else.
    /// </summary>
    [Property(MaxTest = 150)]
    public void A_randomly_damaged_results_file_is_refused_or_rendered_never_crashes(int seed)
    {
        var random = new Random(seed);
        var bytes = System.Text.Encoding.UTF8.GetBytes(ResultsJson.Serialize(Fixtures.Run())).ToList();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    break;
                default:
                    bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(random.Next(1, 40)).ToList());
                    break;
            }
        }

        var file = Path.Combine(dir, $"fuzz-{seed}.json");
        File.WriteAllBytes(file, [.. bytes]);
        Bench.Reports.Model.RunResults run;
        try
        {
            run = ResultsJson.Read(file);
        }
        catch (InvalidDataException)
        {
            return;
        }

        ReportWriter.Write(run, Path.Combine(dir, $"out-{seed}"));
    }
}
