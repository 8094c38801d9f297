using System.CommandLine;
using Bench.Harness.Distributed;
using Bench.Harness.Plan;
using Bench.Harness.Running;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench agent push</c>: one shard of a push run spread over several agents (a Kubernetes Indexed Job's pods, or
/// the processes <c>bench run --agents</c> starts). Every option can come from the environment a pod is given.
/// </summary>
internal static class AgentCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var scenario = new Argument<string>("scenario") { Description = "The scenario to run a shard of: push." };
        var transport = new Option<string?>("--transport")
        {
            Description = "The transport of the reference target: websocket, signalr, sse or webhook.",
        };
        var index = CliOptions.NonNegativeInt("--index",
            "This agent's index, 0 to --agents − 1. The default is $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's).");
        var agents = CliOptions.PositiveInt("--agents", "How many agents share the run. The default is $BENCH_AGENTS.");
        var targetUrl = new Option<string?>("--target-url")
        {
            Description = "The reference target's URL (a hub for websocket/signalr/sse, a dispatcher "
                + "for webhook). The default is $BENCH_TARGET_URL. Send load only to systems you own.",
        };
        var targetFile = new Option<string?>("--target-file")
        {
            Description = "A target file whose system the agents share instead of a reference target (docs/targets.md); "
                + "--transport, --target-url and --token then come from the file. The default is $BENCH_TARGET_FILE.",
        };
        var stream = new Option<string?>("--stream")
        {
            Description = "With --target-file: the {stream} every agent of the run shares. The default is $BENCH_STREAM.",
        };
        var token = new Option<string?>("--token") { Description = "The target's bearer token. The default is $BENCH_TOKEN." };
        var pid = CliOptions.PositiveInt("--target-pid", "A process on this machine whose CPU and memory are the target's (optional).");
        var runId = new Option<string?>("--run-id")
        {
            Description = "The run every agent shares; the merge refuses shards of another. The default is $BENCH_RUN_ID.",
        };
        var clock = new Option<string?>("--clock")
        {
            Description = "How latency is timed: own (each agent times the events it published itself; "
                + "the default, right across machines) or shared (every agent on one machine's clock).",
        };
        var start = new Option<string?>("--start-at")
        {
            Description = "When the load starts, as a UTC time (2026-12-03T10:00:00Z) every agent "
                + "is given, or stdin (a line 'start TIMESTAMP'). The default is $BENCH_START_AT.",
        };
        var output = new Option<string?>("--out")
        {
            Description = "The folder shard-INDEX.json is written to. The default is $BENCH_OUT, else the current folder.",
        };
        var profile = new Option<string>("--profile")
        {
            Description = "Defaults to use: " + string.Join(", ", Profile.All.Select(p => p.Name)) + ".",
            DefaultValueFactory = _ => Profile.Quick.Name,
        };
        var duration = CliOptions.Duration("--duration", "Measured time (profile default).");
        var warmup = CliOptions.Duration("--warmup", "Warm-up before measuring (profile default).");
        var costProbe = CliOptions.Duration("--cost-probe", "The half-rate stretch after the measured window (5s; 0s for none).");
        var rate = CliOptions.PositiveDouble("--rate", "Events a second, all agents together (each publishes its share).");
        var subscribers = CliOptions.PositiveInt("--subscribers", "Subscribers, all agents together (each holds its share).");
        var payload = CliOptions.PositiveInt("--payload", "Payload bytes of each event.");
        var parent = CliOptions.PositiveInt("--parent-pid",
            "Stop when this process exits (set by bench run --agents, so no agent outlives its run).");
        var readyTimeout = CliOptions.PositiveDuration("--ready-timeout",
            "How long to wait for every agent's subscribers to be counted. The default is 60s.");

        var command = new Command("agent",
            "Run one agent's shard of a push run against a running reference target or a target file's system and write "
                + "shard-INDEX.json (see docs/distributed.md).")
        {
            scenario, transport, index, agents, targetUrl, targetFile, stream, token, pid, runId, clock, start, output, profile, duration,
            warmup, costProbe, rate, subscribers, payload, readyTimeout, parent,
        };
        command.SetAction((parse, _) => Program.CallAsync(() => AgentLaunch.RunAsync(
            new AgentRequest(parse.GetValue(scenario) ?? "")
            {
                Transport = parse.GetValue(transport),
                Index = parse.GetValue(index),
                Agents = parse.GetValue(agents),
                TargetUrl = parse.GetValue(targetUrl),
                TargetFile = parse.GetValue(targetFile),
                Stream = parse.GetValue(stream),
                Token = parse.GetValue(token),
                TargetPid = parse.GetValue(pid),
                RunId = parse.GetValue(runId),
                Clock = parse.GetValue(clock),
                StartAt = parse.GetValue(start),
                Out = parse.GetValue(output),
                Profile = parse.GetValue(profile) ?? Profile.Quick.Name,
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                CostProbe = parse.GetValue(costProbe),
                RatePerSec = parse.GetValue(rate),
                Subscribers = parse.GetValue(subscribers),
                PayloadBytes = parse.GetValue(payload),
                ParentPid = parse.GetValue(parent),
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
