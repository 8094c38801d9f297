using System.CommandLine;
using System.Globalization;
using Bench.Harness;
using Bench.Harness.Distributed;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;

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
        var transport = new Option<string?>("--transport") { Description = "The transport of the reference target: websocket, signalr, sse or webhook." };
        var index = CliOptions.NonNegativeInt("--index", "This agent's index, 0 to --agents − 1. The default is $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's).");
        var agents = CliOptions.PositiveInt("--agents", "How many agents share the run. The default is $BENCH_AGENTS.");
        var targetUrl = new Option<string?>("--target-url") { Description = "The reference target's URL (a hub for websocket/signalr/sse, a dispatcher for webhook). The default is $BENCH_TARGET_URL. Send load only to systems you own." };
        var token = new Option<string?>("--token") { Description = "The target's bearer token. The default is $BENCH_TOKEN." };
        var pid = CliOptions.PositiveInt("--target-pid", "A process on this machine whose CPU and memory are the target's (optional).");
        var runId = new Option<string?>("--run-id") { Description = "The run every agent shares; the merge refuses shards of another. The default is $BENCH_RUN_ID." };
        var clock = new Option<string?>("--clock") { Description = "How latency is timed: own (each agent times the events it published itself; the default, right across machines) or shared (every agent on one machine's clock)." };
        var start = new Option<string?>("--start-at") { Description = "When the load starts, as a UTC time (2026-12-03T10:00:00Z) every agent is given, or stdin (a line 'start TIMESTAMP'). The default is $BENCH_START_AT." };
        var output = new Option<string?>("--out") { Description = "The folder shard-INDEX.json is written to. The default is $BENCH_OUT, else the current folder." };
        var profile = new Option<string>("--profile") { Description = "Defaults to use: " + string.Join(", ", Profile.All.Select(p => p.Name)) + ".", DefaultValueFactory = _ => Profile.Quick.Name };
        var duration = CliOptions.Duration("--duration", "Measured time (profile default).");
        var warmup = CliOptions.Duration("--warmup", "Warm-up before measuring (profile default).");
        var costProbe = CliOptions.Duration("--cost-probe", "The half-rate stretch after the measured window (5s; 0s for none).");
        var rate = CliOptions.PositiveDouble("--rate", "Events a second, all agents together (each publishes its share).");
        var subscribers = CliOptions.PositiveInt("--subscribers", "Subscribers, all agents together (each holds its share).");
        var payload = CliOptions.PositiveInt("--payload", "Payload bytes of each event.");
        var parent = CliOptions.PositiveInt("--parent-pid", "Stop when this process exits (set by bench run --agents, so no agent outlives its run).");
        var readyTimeout = CliOptions.PositiveDuration("--ready-timeout", "How long to wait for every agent's subscribers to be counted. The default is 60s.");

        var command = new Command("agent", "Run one agent's shard of a push run against a running reference target and write shard-INDEX.json (see docs/distributed.md).")
        {
            scenario, transport, index, agents, targetUrl, token, pid, runId, clock, start, output, profile, duration, warmup, costProbe, rate, subscribers, payload, readyTimeout, parent,
        };
        command.SetAction(async (parse, unused) =>
        {
            var problems = new List<string>();
            var scenarioName = parse.GetValue(scenario)?.ToLowerInvariant();
            if (scenarioName is not ("push" or "connections"))
            {
                problems.Add($"scenario: agents run push (or, driven by bench run --agents, connections); '{parse.GetValue(scenario)}' is neither");
            }

            var transports = TransportOptions.Parse("--transport", CliOptions.SplitList([parse.GetValue(transport) ?? ""]), problems);
            if (transports.Count != 1)
            {
                problems.Add("--transport: name one transport (websocket, signalr, sse or webhook)");
            }

            var count = parse.GetValue(agents) ?? EnvInt("BENCH_AGENTS", "--agents", problems);
            var at = parse.GetValue(index) ?? EnvInt("JOB_COMPLETION_INDEX", "--index", problems);
            if (count is { } n && at is { } i && i >= n)
            {
                problems.Add($"--index: {i} is not below --agents ({n})");
            }

            var url = Required(parse.GetValue(targetUrl), "BENCH_TARGET_URL", "--target-url", problems);
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            {
                problems.Add($"--target-url: '{url}' is not an absolute http(s) URL");
            }
            else if (url is not null && transports.Count == 1 && !transports[0].SubscribersConnect && !new Uri(url).IsLoopback)
            {
                problems.Add("--target-url: a webhook agent hosts its receivers on loopback, so it runs on the dispatcher's machine; this URL is not loopback");
            }

            var secret = Required(parse.GetValue(token), "BENCH_TOKEN", "--token", problems);
            var run = Required(parse.GetValue(runId), "BENCH_RUN_ID", "--run-id", problems);
            var startAt = Required(parse.GetValue(start), "BENCH_START_AT", "--start-at", problems);
            if (startAt is not null && startAt != "stdin" && !DateTimeOffset.TryParse(startAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset _))
            {
                problems.Add($"--start-at: '{startAt}' is neither a UTC time (2026-12-03T10:00:00Z) nor stdin");
            }

            var clockText = parse.GetValue(clock) ?? "own";
            var method = ClockMethods.Parse(clockText);
            if (method is null)
            {
                problems.Add($"--clock: '{clockText}' is not own or shared");
            }

            var chosen = Profile.Find(parse.GetValue(profile) ?? Profile.Quick.Name);
            if (chosen is null)
            {
                problems.Add($"--profile: unknown profile '{parse.GetValue(profile)}'; valid profiles: {string.Join(", ", Profile.All.Select(p => p.Name))}");
            }

            if (problems.Count > 0)
            {
                return Program.UsageError(problems);
            }

            var plan = new RunPlan
            {
                Scenarios = [ScenarioCatalog.Find("push")!],
                Transports = transports,
                Profile = chosen!,
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                CostProbe = parse.GetValue(costProbe),
                RatePerSec = parse.GetValue(rate),
                Subscribers = parse.GetValue(subscribers),
                PayloadBytes = parse.GetValue(payload),
            };
            var total = plan.SettingsFor(plan.Scenarios[0]);
            if (total.Subscribers < count)
            {
                return Program.UsageError([$"--subscribers: {total.Subscribers} subscribers cannot be shared by {count} agents (at least one each)"]);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation());
            if (parse.GetValue(parent) is { } parentPid)
            {
                _ = WatchParentAsync(parentPid, stop);
            }

            if (scenarioName == "connections")
            {
                // Driven line by line over standard input by bench run --agents (see AgentHold).
                var hold = new AgentHold(transports[0], at!.Value, count!.Value, url!, secret!, parse.GetValue(pid), total.Subscribers, parse.GetValue(readyTimeout) ?? TimeSpan.FromSeconds(60));
                try
                {
                    return await hold.ExecuteAsync(new ConsoleProgress(), Console.Out, Console.In, TimeProvider.System, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return ExitCodes.Cancelled;
                }
            }

            var agent = new AgentRun(transports[0], at!.Value, count!.Value, run!, method!.Value, url!, secret!, parse.GetValue(pid),
                parse.GetValue(output) ?? Environment.GetEnvironmentVariable("BENCH_OUT") ?? ".", startAt!, total, parse.GetValue(readyTimeout) ?? TimeSpan.FromSeconds(60));
            try
            {
                return await agent.ExecuteAsync(new ConsoleProgress(), Console.Out, Console.In, TimeProvider.System, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Console.Error.WriteLine($"agent {at}: stopped before the run ended; no shard written");
                return ExitCodes.Cancelled;
            }
        });
        return command;
    }

    private static async Task WatchParentAsync(int pid, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(500, CancellationToken.None).ConfigureAwait(false);
            if (!Bench.Harness.Targets.ProcessReadings.IsAlive(pid))
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private static string? Required(string? given, string variable, string option, List<string> problems)
    {
        var value = given ?? Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            problems.Add($"{option}: not given, and ${variable} is not set");
            return null;
        }

        return value;
    }

    private static int? EnvInt(string variable, string option, List<string> problems)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text))
        {
            problems.Add($"{option}: not given, and ${variable} is not set");
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || (option == "--agents" && value < 1))
        {
            problems.Add($"{option}: ${variable} is '{text}', not a whole number{(option == "--agents" ? " of 1 or more" : "")}");
            return null;
        }

        return value;
    }
}
