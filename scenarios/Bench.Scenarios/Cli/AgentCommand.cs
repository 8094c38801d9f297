using System.CommandLine;
using Bench.Harness.Distributed;
using Bench.Harness.Running;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench agent push</c>: one shard of a push run spread over several agents (a Kubernetes Indexed Job's pods, or
/// the processes <c>bench run --agents</c> starts), told everything by its coordinator; and <c>bench agent
/// connections</c>, driven over standard input by <c>bench run connections --agents</c>.
/// </summary>
internal static class AgentCommand
{
    private const string ConnectionsOnly = " Connections only (bench agent push is told it by its coordinator).";

    public static Command Create(Func<CancellationToken> cancellation)
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "push (a shard of a push run, from a coordinator), or connections (driven by bench run connections --agents).",
        };
        var coordinator = CliOptions.Text("--coordinator",
            "Push: where bench run (the coordinator) listens, HOST:PORT; the agent connects, takes its assignment "
            + "and sends its shard back. The default is $BENCH_COORDINATOR.");
        var index = CliOptions.NonNegativeInt("--index",
            "This agent's index, 0 to the number of agents − 1. The default is $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's).");
        var token = CliOptions.Text("--token",
            "Push: the run's secret, presented to the coordinator; connections: the target's bearer token. "
            + "The default is $BENCH_TOKEN.");
        var parent = CliOptions.PositiveInt("--parent-pid",
            "Stop when this process exits (set by bench run --agents, so no agent outlives its run). A push agent also stops "
                + "when its coordinator's connection closes.");
        var transport = CliOptions.Text("--transport",
            "The transport of the reference target: websocket, signalr, sse or webhook." + ConnectionsOnly);
        var agents = CliOptions.PositiveInt("--agents", "How many agents share the run. The default is $BENCH_AGENTS." + ConnectionsOnly);
        var targetUrl = CliOptions.Text("--target-url",
            "The reference target's URL. The default is $BENCH_TARGET_URL." + ConnectionsOnly);
        var pid = CliOptions.PositiveInt("--target-pid",
            "A process on this machine whose CPU and memory are the target's." + ConnectionsOnly);
        var subscribers = CliOptions.PositiveInt("--subscribers",
            "Subscribers, all agents together (each holds its share)." + ConnectionsOnly);
        var readyTimeout = CliOptions.PositiveDuration("--ready-timeout",
            "How long to wait for every agent's subscribers to be counted. The default is 60s." + ConnectionsOnly);

        var command = new Command("agent",
            "Run one agent of a distributed run: push takes its share from bench run (the coordinator) over a connection and "
                + "sends its shard back (see docs/distributed.md).")
        {
            scenario, coordinator, index, token, parent, transport, agents, targetUrl, pid, subscribers, readyTimeout,
        };
        command.SetAction((parse, _) => Program.CallAsync(() => AgentLaunch.RunAsync(
            new AgentRequest(parse.GetValue(scenario) ?? "")
            {
                Coordinator = parse.GetValue(coordinator),
                Index = parse.GetValue(index),
                Token = parse.GetValue(token),
                ParentPid = parse.GetValue(parent),
                Transport = parse.GetValue(transport),
                Agents = parse.GetValue(agents),
                TargetUrl = parse.GetValue(targetUrl),
                TargetPid = parse.GetValue(pid),
                Subscribers = parse.GetValue(subscribers),
                ReadyTimeout = parse.GetValue(readyTimeout),
            },
            new ConsoleProgress(),
            Console.Out,
            Console.Error,
            Console.In,
            cancellation())));
        return command;
    }
}
