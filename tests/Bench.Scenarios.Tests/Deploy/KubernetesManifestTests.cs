using YamlDotNet.RepresentationModel;

namespace Bench.Scenarios.Tests.Deploy;

/// <summary>
/// deploy/k8s checked offline (no cluster here): the agents are an Indexed Job whose completions, parallelism and
/// BENCH_AGENTS agree, and every container's arguments parse as a bench command with no error. Not a schema check of
/// the Kubernetes fields themselves.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "deploy", "k8s");

    [Fact]
    public void The_agents_are_an_indexed_job_whose_completions_parallelism_and_agent_count_agree()
    {
        var job = Documents("agents-job.yaml").Single();
        var spec = Map(job, "spec");
        Assert.Equal("Indexed", Scalar(spec, "completionMode"));
        Assert.Equal(Scalar(spec, "completions"), Scalar(spec, "parallelism"));
        Assert.Equal("0", Scalar(spec, "backoffLimit"));
        var env = Containers(job).Single().Children[new YamlScalarNode("env")] as YamlSequenceNode;
        var agents = env!.Children.OfType<YamlMappingNode>().Single(e => Scalar(e, "name") == "BENCH_AGENTS");
        Assert.Equal(Scalar(spec, "completions"), Scalar(agents, "value"));
    }

    [Theory]
    [InlineData("agents-job.yaml")]
    [InlineData("merge-job.yaml")]
    [InlineData("target.yaml")]
    public void Every_container_runs_a_bench_command_that_parses(string file)
    {
        foreach (var container in Documents(file).SelectMany(Containers))
        {
            if (container.Children.ContainsKey(new YamlScalarNode("command")))
            {
                continue; // the reader pod runs sleep, not bench
            }

            var args = ((YamlSequenceNode)container.Children[new YamlScalarNode("args")]).Children
                .Select(n => ((YamlScalarNode)n).Value!)
                .ToArray();
            var parse = Program.Root(() => CancellationToken.None).Parse(args);
            Assert.True(
                parse.Errors.Count == 0,
                $"{file}: bench {string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }

    private static IEnumerable<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Folder, file))));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode document)
    {
        var spec = Map(document, "spec");
        var pod = spec.Children.ContainsKey(new YamlScalarNode("template")) ? Map(Map(spec, "template"), "spec") : spec;
        return pod.Children.TryGetValue(new YamlScalarNode("containers"), out var list)
            ? ((YamlSequenceNode)list).Children.OfType<YamlMappingNode>()
            : [];
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string? Scalar(YamlMappingNode node, string key) => (node.Children[new YamlScalarNode(key)] as YamlScalarNode)?.Value;
}
