using Bench.Harness;
using Bench.Harness.Cluster;
using Bench.Scenarios.Tests.Cli;

namespace Bench.Scenarios.Tests.Deploy;

/// <summary>
/// <c>bench cluster run</c> without a cluster: its options checked (exit 2, one line naming the option), and its
/// sequence against a fake kubectl (apply, wait for the coordinator's container, copy, let the pod end, delete).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ClusterRunTests : IDisposable
{
    /// <summary>How often the fake cluster is asked about the coordinator: at once.</summary>
    private static readonly TimeSpan Quickly = TimeSpan.FromMilliseconds(1);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bench-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly string _target = RepoPaths.Of("examples", "targets", "broadcast-websocket.yaml");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--agents 3 --target TARGET", "--image")]
    [InlineData("--image i --target TARGET", "--agents")]
    [InlineData("--image i --agents 0 --target TARGET", "--agents")]
    [InlineData("--image i --agents 3", "--target")]
    [InlineData("--image i --agents 3 --target /nonexistent.yaml", "--target")]
    [InlineData("--image i --agents 3 --target TARGET --namespace Load_Tests", "--namespace")]
    [InlineData("--image i --agents 3 --target TARGET --run-id Run_1", "--run-id")]
    [InlineData("--image i --agents 3 --target TARGET --agent-memory lots", "--agent-memory")]
    [InlineData("--image i --agents 3 --target TARGET --agent-cpu 2cores", "--agent-cpu")]
    [InlineData("--image i --agents 3 --target TARGET --node-selector pool", "--node-selector")]
    [InlineData("--image i --agents 3 --target TARGET --toleration dedicated=load:Sometimes", "--toleration")]
    [InlineData("--image i --agents 3 --target TARGET --timeout 0s", "--timeout")]
    [InlineData("--image i --agents 3 --target TARGET -- --rate fast", "--rate")]
    [InlineData("--image i --agents 3 --target TARGET -- --out /elsewhere", "--out")]
    [InlineData("--image i --agents 3 --target TARGET -- --agents 5", "--agents")]
    [InlineData("--image i --agents 3 --target TARGET -- rtt", "push")]
    [InlineData("--image i --agents 3 --target TARGET -- --sped 3", "--sped")]
    public async Task A_bad_option_exits_2_with_one_line_naming_it(string args, string option)
    {
        var (code, stderr) = await ConsoleCapture.RunAsync(
            ["cluster", "run", "--render", _folder, .. args.Replace("TARGET", _target, StringComparison.Ordinal).Split(' ')]);
        Assert.Equal(ExitCodes.Usage, code);
        var error = Assert.Single(stderr.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder), "nothing is rendered after bad usage");
    }

    [Fact]
    public async Task A_run_applies_waits_for_the_coordinator_copies_its_folder_and_exits_with_its_code()
    {
        var kubectl = new FakeKubectl(exitCode: 4, copyTo: folder => File.WriteAllText(Path.Combine(folder, "report.md"), "# run"));
        var output = new StringWriter();
        var code = await ClusterRun.RunAsync(Plan(), kubectl, output, new StringWriter(), CancellationToken.None, Quickly);

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Equal(["apply", "get", "get", "get", "cp", "exec", "delete"], kubectl.Calls.Select(c => c[0]));
        Assert.Contains("kind: Job", kubectl.Applied, StringComparison.Ordinal);
        Assert.Equal(["cp", "-n", "load", "-c", "results", "bench-r1-coordinator-abcde:/results/r1", Path.Combine(_folder, "out")],
            kubectl.Calls[4]);
        Assert.Equal(["touch", "/results/.copied"], kubectl.Calls[5][^2..]);
        Assert.Equal(["delete", "-n", "load", "job,service,configmap,secret", "-l", "bench/run-id=r1", "--ignore-not-found"],
            kubectl.Calls[6]);
        Assert.Contains($"Report: {Path.Combine(_folder, "out", "report.md")}", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_cleanup_the_objects_stay_and_the_command_to_delete_them_is_printed()
    {
        var kubectl = new FakeKubectl(exitCode: 0, copyTo: _ => { });
        var output = new StringWriter();
        var code = await ClusterRun.RunAsync(Plan() with { Cleanup = false }, kubectl, output, new StringWriter(),
            CancellationToken.None, Quickly);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain(kubectl.Calls, c => c[0] == "delete");
        Assert.Contains(
            "kubectl delete -n load job,service,configmap,secret -l bench/run-id=r1", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_coordinator_whose_image_cannot_be_pulled_fails_the_run_at_once_and_is_cleaned_up()
    {
        var kubectl = new FakeKubectl(exitCode: null, copyTo: _ => { });
        var error = new StringWriter();
        var code = await ClusterRun.RunAsync(Plan(), kubectl, new StringWriter(), error, CancellationToken.None, Quickly);

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("ImagePullBackOff", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("delete", kubectl.Calls[^1][0]);
        Assert.DoesNotContain(kubectl.Calls, c => c[0] == "cp");
    }

    [Fact]
    public async Task A_coordinator_pod_that_disappears_ends_the_wait_and_is_cleaned_up()
    {
        var kubectl = new FakeKubectl(exitCode: null, copyTo: _ => { }, gone: true);
        var error = new StringWriter();
        var code = await ClusterRun.RunAsync(Plan(), kubectl, new StringWriter(), error, CancellationToken.None, Quickly);

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("is gone", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(["apply", "get", "get", "get", "delete"], kubectl.Calls.Select(c => c[0]));
    }

    private ClusterPlan Plan() => ClusterPlan.From(
        new ClusterRequest
        {
            Image = "registry.example/bench:dev",
            Agents = 3,
            Namespace = "load",
            RunId = "r1",
            Target = _target,
            Out = Path.Combine(_folder, "out"),
        },
        DateTimeOffset.UnixEpoch);

    /// <summary>
    /// kubectl as a cluster would answer: the coordinator's pod creating, then running, then ended with
    /// <c>exitCode</c> (or stuck on ImagePullBackOff when null); <c>cp</c> makes the folder and calls <c>copyTo</c>.
    /// </summary>
    private sealed class FakeKubectl(int? exitCode, Action<string> copyTo, bool gone = false) : IKubectl
    {
        private int _gets;

        public List<string[]> Calls { get; } = [];

        public string Applied { get; private set; } = "";

        public Task<KubectlResult> RunAsync(IReadOnlyList<string> args, string? input, CancellationToken ct)
        {
            Calls.Add([.. args]);
            switch (args[0])
            {
                case "apply":
                    Applied = input ?? "";
                    break;
                case "get":
                    return Task.FromResult(new KubectlResult(0, Pod(_gets++), ""));
                case "cp":
                    Directory.CreateDirectory(args[^1]);
                    copyTo(args[^1]);
                    break;
            }

            return Task.FromResult(new KubectlResult(0, "", ""));
        }

        private string Pod(int call)
        {
            if (gone && call > 1)
            {
                return """{"items":[]}""";
            }

            var state = exitCode is null && !gone ? """{"waiting":{"reason":"ImagePullBackOff","message":"no such image"}}"""
                : call == 0 ? """{"waiting":{"reason":"ContainerCreating"}}"""
                : call == 1 || gone ? """{"running":{}}"""
                : "{\"terminated\":{\"exitCode\":" + exitCode + "}}";
            return """{"items":[{"metadata":{"name":"bench-r1-coordinator-abcde"},"status":{"phase":"Running","containerStatuses":[""" +
                """{"name":"results","state":{"running":{}}},{"name":"coordinator","state":""" + state + "}]}}]}";
        }
    }
}
