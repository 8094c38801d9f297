using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Bench.Scenarios.Tests.Cli;
using YamlDotNet.RepresentationModel;

namespace Bench.Scenarios.Tests.Deploy;

/// <summary>
/// The manifests <c>bench cluster run --render</c> writes, checked offline (no cluster here): the agents' Indexed Job and
/// the coordinator agree on N, no index is retried and none stops the others, every name carries the run id, every object
/// is in the namespace, the ConfigMap carries the target file and the bench run arguments as given, and every
/// container's arguments parse as a bench command. The Kubernetes schema itself is scripts/check-k8s.sh's.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class KubernetesManifestTests : IDisposable
{
    private const string RunId = "t-20261205-1";
    private const string Namespace = "load-tests";
    private const int Agents = 7;

    /// <summary>Arguments YAML could misread if written carelessly: numbers, booleans, spaces, quotes, $(…).</summary>
    private static readonly string[] RunArgs =
        ["--transport", "websocket", "--rate", "1000", "--subscribers", "30000", "--duration", "60s", "--profile", "quick",
            "--threshold", "push.p99 < 50ms", "--threshold", "push.lost == 0", "--save-baseline", "/tmp/a \"b\" $(HOME) yes"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bench-k8s-" + Guid.NewGuid().ToString("N"));
    private readonly string _target = RepoPaths.Of("examples", "targets", "broadcast-websocket.yaml");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_agents_are_an_indexed_job_whose_completions_parallelism_and_the_coordinators_agents_agree()
    {
        var objects = await RenderAsync();
        var spec = Map(Job(objects, "agents"), "spec");
        Assert.Equal("Indexed", Scalar(spec, "completionMode"));
        Assert.Equal($"{Agents}", Scalar(spec, "completions"));
        Assert.Equal($"{Agents}", Scalar(spec, "parallelism"));
        var args = Args(objects, Containers(Job(objects, "coordinator")).Single(c => Scalar(c, "name") == "coordinator"));
        Assert.Equal($"{Agents}", args[Array.IndexOf(args, "--agents") + 1]);
    }

    [Fact]
    public async Task No_agent_index_is_retried_and_a_failed_one_stops_no_other()
    {
        var job = Job(await RenderAsync(), "agents");
        var spec = Map(job, "spec");
        Assert.Equal("0", Scalar(spec, "backoffLimitPerIndex"));
        Assert.Equal($"{Agents}", Scalar(spec, "maxFailedIndexes"));
        Assert.False(spec.Children.ContainsKey(new YamlScalarNode("backoffLimit")));
        var rules = (YamlSequenceNode)Map(spec, "podFailurePolicy").Children[new YamlScalarNode("rules")];
        Assert.All(rules.Children.Cast<YamlMappingNode>(), r => Assert.Equal("FailIndex", Scalar(r, "action")));
        Assert.Equal("Never", Scalar(PodSpec(job), "restartPolicy"));
    }

    [Fact]
    public async Task The_coordinator_is_one_pod_never_retried_that_outlives_its_command_until_the_copy()
    {
        var job = Job(await RenderAsync(), "coordinator");
        var spec = Map(job, "spec");
        Assert.Equal("1", Scalar(spec, "completions"));
        Assert.Equal("0", Scalar(spec, "backoffLimit"));
        var keeper = Containers(job).Single(c => Scalar(c, "name") == "results");
        Assert.Contains("/results/.copied", string.Join(' ', Strings(keeper, "command")), StringComparison.Ordinal);
        var volumes = (YamlSequenceNode)PodSpec(job).Children[new YamlScalarNode("volumes")];
        var results = volumes.Children.Cast<YamlMappingNode>().Single(v => Scalar(v, "name") == "results");
        Assert.True(results.Children.ContainsKey(new YamlScalarNode("emptyDir")), "the run folder is on the pod, not a shared volume");
    }

    [Fact]
    public async Task Every_name_carries_the_run_id_and_every_object_is_in_the_namespace_with_its_labels()
    {
        foreach (var o in await RenderAsync())
        {
            var metadata = Map(o, "metadata");
            var name = Scalar(metadata, "name")!;
            Assert.StartsWith($"bench-{RunId}-", name, StringComparison.Ordinal);
            Assert.Matches(Dns1123(), name);
            Assert.True(name.Length <= 63, name);
            Assert.Equal(Namespace, Scalar(metadata, "namespace"));
            Assert.Equal(RunId, Scalar(Map(metadata, "labels"), "bench/run-id"));
            Assert.Equal("bench", Scalar(Map(metadata, "labels"), "app.kubernetes.io/name"));
        }
    }

    [Fact]
    public async Task The_config_map_carries_the_target_file_and_the_bench_run_arguments_exactly()
    {
        var objects = await RenderAsync();
        var data = Map(Kind(objects, "ConfigMap").Single(), "data");
        Assert.Equal(await File.ReadAllTextAsync(_target), Scalar(data, "target.yaml"));
        var coordinator = Containers(Job(objects, "coordinator")).Single(c => Scalar(c, "name") == "coordinator");
        var args = Args(objects, coordinator);
        Assert.Equal(RunArgs, args[^RunArgs.Length..]);
        Assert.Equal(["run", "push", "--agents", $"{Agents}", "--agents-listen", "0.0.0.0:7000", "--target", "/etc/bench/target.yaml",
            "--out", $"/results/{RunId}"], args[..^RunArgs.Length]);
    }

    [Fact]
    public async Task The_agents_reach_the_coordinator_through_its_service_with_the_runs_token()
    {
        var objects = await RenderAsync();
        var service = Kind(objects, "Service").Single();
        var agent = Containers(Job(objects, "agents")).Single();
        Assert.Equal(["agent", "push"], Strings(agent, "args"));
        var env = Env(agent);
        Assert.Equal($"{Scalar(Map(service, "metadata"), "name")}:7000", Scalar(env["BENCH_COORDINATOR"], "value"));
        var secret = Map(Map(env["BENCH_TOKEN"], "valueFrom"), "secretKeyRef");
        Assert.Equal($"bench-{RunId}-token", Scalar(secret, "name"));
        Assert.False(env.ContainsKey("JOB_COMPLETION_INDEX"), "Kubernetes sets JOB_COMPLETION_INDEX in an Indexed Job's pods");
    }

    [Fact]
    public async Task Every_pod_runs_as_non_root_with_an_fs_group_and_the_node_selector_and_toleration()
    {
        var objects = await RenderAsync();
        foreach (var job in Kind(objects, "Job"))
        {
            var pod = PodSpec(job);
            var security = Map(pod, "securityContext");
            Assert.Equal("true", Scalar(security, "runAsNonRoot"));
            Assert.Equal("1654", Scalar(security, "fsGroup"));
            Assert.Equal("load", Scalar(Map(pod, "nodeSelector"), "pool"));
            var toleration = (YamlMappingNode)((YamlSequenceNode)pod.Children[new YamlScalarNode("tolerations")]).Children.Single();
            Assert.Equal(("dedicated", "Equal", "load", "NoSchedule"),
                (Scalar(toleration, "key"), Scalar(toleration, "operator"), Scalar(toleration, "value"), Scalar(toleration, "effect")));
            Assert.All(Containers(job), c => Assert.Equal("true", Scalar(Map(c, "securityContext"), "readOnlyRootFilesystem")));
        }
    }

    [Fact]
    public async Task The_agents_command_parses()
    {
        var objects = await RenderAsync();
        AssertParses(Args(objects, Containers(Job(objects, "agents")).Single()));
    }

    [Fact]
    public async Task The_coordinators_command_parses()
    {
        var objects = await RenderAsync();
        AssertParses(Args(objects, Containers(Job(objects, "coordinator")).Single(c => Scalar(c, "name") == "coordinator")));
    }

    [Fact]
    public async Task The_target_files_variables_reach_every_pod_from_the_runs_secret_and_the_rendered_file_is_the_owners_only()
    {
        const string variable = "CLUSTER_TEST_WEBHOOK_SECRET";
        var value = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var target = Path.Combine(Path.GetTempPath(), $"bench-k8s-target-{Guid.NewGuid():N}.yaml");
        var example = await File.ReadAllTextAsync(RepoPaths.Of("examples", "targets", "broadcast-webhook.yaml"));
        await File.WriteAllTextAsync(
            target, example.Replace("${env:BROADCAST_WEBHOOK_SECRET}", "${env:" + variable + "}", StringComparison.Ordinal)
                .Replace("  signing:", "  listen: ${env:BENCH_POD_IP}\n  signing:", StringComparison.Ordinal));
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            var objects = await RenderAsync(target);

            var secret = Kind(objects, "Secret").Single();
            Assert.Equal(value, Scalar(Map(secret, "stringData"), "env-" + variable));
            var pods = Kind(objects, "Job").SelectMany(Containers).Where(c => Scalar(c, "name") is "coordinator" or "agent").ToList();
            Assert.Equal(2, pods.Count);
            Assert.All(pods, c =>
            {
                var from = Map(Map(Env(c)[variable], "valueFrom"), "secretKeyRef");
                Assert.Equal((Scalar(Map(secret, "metadata"), "name"), "env-" + variable), (Scalar(from, "name"), Scalar(from, "key")));
            });

            // The pods' own address, which the file's receivers listen on: from the downward API, not from the Secret.
            Assert.All(pods, c =>
                Assert.Equal("status.podIP", Scalar(Map(Map(Env(c)["BENCH_POD_IP"], "valueFrom"), "fieldRef"), "fieldPath")));
            Assert.DoesNotContain(Map(secret, "stringData").Children.Keys, k => ((YamlScalarNode)k).Value!.Contains("POD_IP"));
            var rendered = Directory.GetFiles(_folder, "*.yaml").Single();
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(rendered));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            File.Delete(target);
        }

        // Unset here: nothing is rendered, and the option is named.
        Directory.Delete(_folder, recursive: true);
        await File.WriteAllTextAsync(
            target, "publish: { http: { url: \"http://127.0.0.1:1/p\", headers: { X: \"${env:" + variable + "}\" } } }");
        try
        {
            var (code, stderr) = await ConsoleCapture.RunAsync(
                ["cluster", "run", "--image", "i", "--agents", "2", "--target", target, "--render", _folder]);
            Assert.Equal(2, code);
            Assert.Contains($"--target: {target} names ${{env:{variable}}}, which is not set here", stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(_folder));
        }
        finally
        {
            File.Delete(target);
        }
    }

    private static void AssertParses(string[] args)
    {
        var parse = Program.Root(() => CancellationToken.None).Parse(args);
        Assert.True(parse.Errors.Count == 0, $"bench {string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");

        // A command with a list argument (bench run's scenarios) takes an unknown option as one more value, not an error.
        var taken = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value).ToList();
        Assert.True(taken.All(t => !t.StartsWith('-')), $"bench {string.Join(' ', args)}: taken as arguments: {string.Join(' ', taken)}");
    }

    private async Task<List<YamlMappingNode>> RenderAsync(string? target = null)
    {
        var (code, stderr) = await ConsoleCapture.RunAsync(
        [
            "cluster", "run", "--image", "registry.example/bench:dev", "--agents", $"{Agents}", "--namespace", Namespace,
            "--run-id", RunId, "--target", target ?? _target, "--node-selector", "pool=load", "--toleration", "dedicated=load:NoSchedule",
            "--render", _folder, "--", .. RunArgs,
        ]);
        Assert.True(code == 0, stderr);
        var stream = new YamlStream();
        stream.Load(new StringReader(await File.ReadAllTextAsync(Directory.GetFiles(_folder, "*.yaml").Single())));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    /// <summary>A container's args with each <c>$(VAR)</c> replaced as the kubelet does, from its env and the ConfigMap.</summary>
    private static string[] Args(List<YamlMappingNode> objects, YamlMappingNode container)
    {
        var data = Map(Kind(objects, "ConfigMap").Single(), "data");
        var env = Env(container);
        return [.. Strings(container, "args").Select(a => Variable().Replace(a, m =>
        {
            var e = env[m.Groups[1].Value];
            return e.Children.ContainsKey(new YamlScalarNode("value"))
                ? Scalar(e, "value")!
                : Scalar(data, Scalar(Map(Map(e, "valueFrom"), "configMapKeyRef"), "key")!)!;
        }))];
    }

    private static Dictionary<string, YamlMappingNode> Env(YamlMappingNode container) =>
        container.Children.TryGetValue(new YamlScalarNode("env"), out var env)
            ? ((YamlSequenceNode)env).Children.Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name")!)
            : [];

    private static IEnumerable<YamlMappingNode> Kind(List<YamlMappingNode> objects, string kind) =>
        objects.Where(o => Scalar(o, "kind") == kind);

    private static YamlMappingNode Job(List<YamlMappingNode> objects, string part) =>
        Kind(objects, "Job").Single(j => Scalar(Map(j, "metadata"), "name") == $"bench-{RunId}-{part}");

    private static YamlMappingNode PodSpec(YamlMappingNode job) => Map(Map(Map(job, "spec"), "template"), "spec");

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode job) =>
        ((YamlSequenceNode)PodSpec(job).Children[new YamlScalarNode("containers")]).Children.Cast<YamlMappingNode>();

    private static string[] Strings(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(n => ((YamlScalarNode)n).Value!)];

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string? Scalar(YamlMappingNode node, string key) => (node.Children[new YamlScalarNode(key)] as YamlScalarNode)?.Value;

    [GeneratedRegex(@"\$\(([A-Z0-9_]+)\)")]
    private static partial Regex Variable();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex Dns1123();
}
