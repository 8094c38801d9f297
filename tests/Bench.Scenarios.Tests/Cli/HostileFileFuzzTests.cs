using System.Text.Json.Nodes;
using System.Xml;
using Bench.Harness.Distributed;
using Bench.Harness.TargetFiles;
using Bench.Harness.Targets;
using Bench.Reports.Gate;
using Bench.Reports.Html;
using Bench.Reports.Json;
using Bench.Reports.Markdown;
using Bench.Reports.Trend;
using Bench.Scenarios.Tests.Distributed;
using FsCheck.Xunit;

namespace Bench.Scenarios.Tests.Cli;

/// <summary>
/// A bounded fuzz pass over every file the harness reads — results, shards, target files, gate files, JUnit, an agent's
/// standard input — fed to the loaders the commands use. Each input is a valid file damaged at random, in its text or
/// with one of the hostile shapes (a path for a name, a line break, a null, a huge number, a huge text); the only
/// exceptions allowed out are the loaders' validation errors, and no input may cost more than 512 MiB. A few seconds
/// in the suite; set BENCH_FUZZ_ROUNDS for more rounds per generated seed.
/// </summary>
public sealed class HostileFileFuzzTests : IDisposable
{
    private const long MemoryBudget = 512L * 1024 * 1024;

    private static readonly int Rounds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_FUZZ_ROUNDS"), out var n) && n > 0 ? n : 1;

    private static readonly string[] Hostile =
    [
        "\"../../x/pwned\"", "\"a\\r\\n![x](/etc/passwd)\"", "null", "[null]", "{}", "-1", "1e308", "99999999999999999999", "2000000000",
        "\"1-1000000000\"", "\"" + new string('a', 70_000) + "\"", "\"\"", "[]", "\"%%%\"", "true",
    ];

    private const string Alphabet = "-0123456789\"{}[],:n.e/\\\r\n\t `![]()<>|#*";

    private readonly string dir = Directory.CreateTempSubdirectory("bench-fuzz-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Property(MaxTest = 40)]
    public void Damaged_results_files_are_read_and_rendered_or_refused(int seed) => Fuzz(seed, "results.json",
        ResultsJson.Serialize(Bench.Reports.Tests.Fixtures.Run()), file =>
        {
            var run = ResultsJson.Read(file);
            var markdown = MarkdownReport.Render(run);
            _ = HtmlReport.Render(markdown, dir, []);
        }, typeof(InvalidDataException));

    [Property(MaxTest = 40)]
    public void Damaged_shards_are_merged_or_refused(int seed) => Fuzz(seed, "shard-0.json",
        ShardJson(), file => ShardFiles.Merge([new(file, ResultsJson.ReadShard(file))], "bench merge"), typeof(InvalidDataException));

    [Property(MaxTest = 40)]
    public void Damaged_gate_files_are_read_or_refused(int seed) => Fuzz(seed, "gate.json",
        GateFile.Default.ToJson(), file => GateFile.Read(file), typeof(InvalidDataException));

    [Property(MaxTest = 40)]
    public void Damaged_target_files_are_loaded_or_refused(int seed) => Fuzz(seed, "target.yaml",
        File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "targets", "broadcast-websocket.yaml")),
        file => TargetFile.Load(file), typeof(TargetFileException));

    [Property(MaxTest = 40)]
    public void Damaged_junit_files_are_read_or_refused(int seed) => Fuzz(seed, "compare.junit.xml",
        "<testsuites><testsuite name=\"bench\">"
        + "<testcase classname=\"bench.push.websocket\" name=\"latency.p50\"><failure message=\"slower\"/></testcase>"
        + "<testcase classname=\"bench.rtt.sse\" name=\"latency.p99\"/></testsuite></testsuites>",
        file => TrendReport.FlaggedFromJUnit(BoundedFile.ReadAllText(file, BoundedFile.MaxJUnitBytes)),
        typeof(InvalidDataException), typeof(XmlException));

    [Property(MaxTest = 40)]
    public void Damaged_agent_input_is_read_or_refused(int seed) => Fuzz(seed, "stdin.txt",
        "start 1000000000\ngrow 5\ncpu\nstop\n", file =>
        {
            using var input = new StreamReader(file);
            while (AgentRun.ReadBoundedLine(input) is { } line)
            {
                Assert.True(line.Length <= AgentRun.MaxLineChars);
                if (line.StartsWith("start", StringComparison.Ordinal))
                {
                    _ = AgentRun.ParseStart(line, TimeProvider.System, 0);
                }
            }
        }, typeof(InvalidDataException), typeof(TargetFailedException));

    private static string ShardJson()
    {
        var path = Path.GetTempFileName();
        try
        {
            ResultsJson.WriteShard(ShardLimitsTests.Shard(0, 1), path);
            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Damages <paramref name="valid"/> as <paramref name="seed"/> says and feeds it to <paramref name="load"/>.</summary>
    private void Fuzz(int seed, string name, string valid, Action<string> load, params Type[] allowed)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var random = new Random(unchecked((seed * 7919) + round));
            var text = random.Next(3) == 0 ? TextDamage.Apply(valid, random, Alphabet) : DamageStructure(valid, random);
            var file = Path.Combine(dir, name);
            File.WriteAllText(file, text);
            GC.Collect();
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                load(file);
            }
            catch (Exception e) when (allowed.Contains(e.GetType()))
            {
                Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
            }
            catch (Exception e)
            {
                var kept = Path.Combine(Path.GetTempPath(), $"bench-fuzz-failed-{seed}-{round}-{name}");
                File.WriteAllText(kept, text);
                Assert.Fail($"seed {seed} round {round}: {e.GetType().Name}: {e.Message} (the input is kept in {kept})\n{e.StackTrace}");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < MemoryBudget, $"seed {seed} round {round}: {allocated / (1024 * 1024)} MiB allocated");
        }
    }

    /// <summary>One value somewhere in the document (JSON) or one line (YAML, XML, text) replaced by a hostile shape.</summary>
    private static string DamageStructure(string valid, Random random)
    {
        var shape = Hostile[random.Next(Hostile.Length)];
        if (valid.TrimStart().StartsWith('{'))
        {
            var root = JsonNode.Parse(valid)!;
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var target = nodes[random.Next(nodes.Count)];
            var replacement = JsonNode.Parse(shape);
            switch (target.Parent)
            {
                case JsonObject o:
                    o[target.GetPropertyName()] = replacement;
                    break;
                case JsonArray a:
                    a[target.GetElementIndex()] = replacement;
                    break;
                default:
                    return shape;
            }

            return root.ToJsonString();
        }

        var lines = valid.Split('\n').ToList();
        var at = random.Next(lines.Count);
        var colon = lines[at].IndexOf(':', StringComparison.Ordinal);
        lines[at] = colon > 0 ? lines[at][..(colon + 1)] + " " + shape.Trim('"') : lines[at] + shape.Trim('"');
        return string.Join('\n', lines);
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        if (node.Parent is not null)
        {
            into.Add(node);
        }

        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            Collect(child, into);
        }
    }
}
