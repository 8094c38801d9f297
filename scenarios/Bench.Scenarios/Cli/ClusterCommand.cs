using System.CommandLine;
using System.CommandLine.Parsing;
using Bench.Harness.Cluster;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench cluster run</c>: a push run spread over N agent pods and a coordinator on the Kubernetes cluster kubectl points
/// at, or, with <c>--render DIR</c>, the manifests of one written to a folder (see docs/distributed.md).
/// </summary>
internal static class ClusterCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var image = CliOptions.Text("--image",
            "The image every pod runs: deploy/k8s/Dockerfile, pushed where the cluster pulls from. Required.", "IMAGE");
        var agents = CliOptions.PositiveInt("--agents",
            "Agent pods (an Indexed Job: completions = parallelism = N); the coordinator starts when all N have connected. Required.");
        var ns = CliOptions.Text("--namespace",
            "The namespace of every object of the run (it must exist). The default is default.");
        var runId = CliOptions.Text("--run-id",
            "The run id in every object's name (bench-RUNID-agents, …) and bench/run-id label: lowercase letters, "
            + $"digits and -, at most {ClusterPlan.MaxRunIdLength}. The default is the UTC time and 4 random hex digits.");
        var target = CliOptions.Text("--target",
            "The target file of the system to measure (docs/targets.md); it goes into the run's ConfigMap, mounted at "
            + "/etc/bench/target.yaml for the coordinator. Required. Send load only to systems you own.", "FILE");
        var render = CliOptions.Text("--render",
            "Write the run's manifests to DIR/bench-RUNID-run.yaml and stop; nothing is applied.", "DIR");
        var output = CliOptions.Text("--out",
            "Where the run folder is copied. The default is results/RUNID.", "DIR");
        var agentCpu = CliOptions.Text("--agent-cpu",
            "CPU each agent pod requests (a quantity: 500m, 2). The default is 1.");
        var agentMemory = CliOptions.Text("--agent-memory",
            "Memory each agent pod requests and is limited to (512Mi, 4Gi). The default is 2Gi.");
        var coordinatorCpu = new Option<string?>("--coordinator-cpu") { Description = "CPU the coordinator requests. The default is 1." };
        var coordinatorMemory = CliOptions.Text("--coordinator-memory",
            "Memory the coordinator requests and is limited to. The default is 1Gi.");
        var nodeSelector = CliOptions.Texts("--node-selector",
            "key=value: a node label every pod of the run requires (repeatable).", "KEY=VALUE");
        var toleration = CliOptions.Texts("--toleration",
            "key=value:Effect or key:Effect: a taint every pod of the run tolerates (repeatable; "
            + "Effect: NoSchedule, PreferNoSchedule or NoExecute).", "KEY=VALUE:EFFECT");
        var cleanup = new Option<bool>("--cleanup")
        {
            Description = "Delete the run's objects (by its bench/run-id label) when it ends, copied or not. The default is true; "
                + "--cleanup false keeps them.",
            DefaultValueFactory = _ => true,
        };
        var timeout = CliOptions.PositiveDuration("--timeout",
            "How long to wait for the coordinator to finish, from the apply. The default is 2h.");
        var runArgs = new Argument<string[]>("bench-run-args")
        {
            Description = "After --: the coordinator's further bench run options (--transport websocket --rate 1000 "
                + "--subscribers 30000 --duration 60s …); it runs bench run push --agents N --agents-listen 0.0.0.0:7000 "
                + "--target /etc/bench/target.yaml --out /results/RUNID and these.",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var run = new Command("run",
            "Run push on Kubernetes: a coordinator pod and N agent pods; wait for the coordinator, copy its run folder here, "
                + "delete the run's objects, and exit with the coordinator's exit code.")
        {
            image, agents, ns, runId, target, render, output, agentCpu, agentMemory, coordinatorCpu, coordinatorMemory,
            nodeSelector, toleration, cleanup, timeout, runArgs,
        };
        run.SetAction((parse, _) =>
        {
            var args = parse.GetValue(runArgs) ?? [];
            if (RunArgsProblem(args) is { } problem)
            {
                return Task.FromResult(Program.UsageError([problem]));
            }

            return Program.CallAsync(() => ClusterRun.RunAsync(
                ClusterPlan.From(
                    new ClusterRequest
                    {
                        Image = parse.GetValue(image),
                        Agents = parse.GetValue(agents),
                        Namespace = parse.GetValue(ns),
                        RunId = parse.GetValue(runId),
                        Target = parse.GetValue(target),
                        Render = parse.GetValue(render),
                        Out = parse.GetValue(output),
                        AgentCpu = parse.GetValue(agentCpu),
                        AgentMemory = parse.GetValue(agentMemory),
                        CoordinatorCpu = parse.GetValue(coordinatorCpu),
                        CoordinatorMemory = parse.GetValue(coordinatorMemory),
                        NodeSelectors = parse.GetValue(nodeSelector) ?? [],
                        Tolerations = parse.GetValue(toleration) ?? [],
                        Cleanup = parse.GetValue(cleanup),
                        Timeout = parse.GetValue(timeout),
                        RunArgs = args,
                    },
                    TimeProvider.System.GetUtcNow()), // the run id's date, not a measurement
                new KubectlProcess(),
                Console.Out,
                Console.Error,
                cancellation()));
        });
        return new Command("cluster", "Runs on a Kubernetes cluster (see docs/distributed.md).") { run };
    }

    /// <summary>
    /// The arguments after -- as the coordinator's bench run push would parse them: the first error, an unknown option,
    /// or a scenario named (the coordinator runs push alone), as one line; null when they parse.
    /// </summary>
    internal static string? RunArgsProblem(IReadOnlyList<string> args)
    {
        var parse = Program.Root(() => CancellationToken.None).Parse(["run", "push", .. args]);
        if (parse.Errors.Count > 0)
        {
            return $"-- (bench run arguments): {parse.Errors[0].Message}";
        }

        // bench run takes any further word as a scenario, an unknown option too.
        var scenarios = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Skip(1)
            .Select(t => t.Value).ToList();
        return scenarios.FirstOrDefault(t => t.StartsWith('-')) is { } unknown ? $"-- {unknown}: not an option of bench run"
            : scenarios.Count > 0 ? "-- (bench run arguments): name no scenario; the coordinator runs push"
            : null;
    }
}
