using System.Globalization;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;

namespace Bench.Harness.Distributed;

/// <summary>
/// <c>bench agent push</c>: one shard of a push run spread over several agents (a Kubernetes Indexed Job's pods, or
/// the processes <c>bench run --agents</c> starts). Every option can come from the environment a pod is given. Bad usage
/// is a <see cref="UsageException"/>.
/// </summary>
public static class AgentLaunch
{
    public static async Task<int> RunAsync(AgentRequest request, IProgressSink progress, TextWriter output, TextWriter error,
        TextReader input, CancellationToken ct)
    {
        var problems = new List<string>();
        var scenarioName = request.Scenario.ToLowerInvariant();
        if (scenarioName is not ("push" or "connections"))
        {
            problems.Add($"scenario: agents run push (or, driven by bench run --agents, connections); '{request.Scenario}' is neither");
        }

        // A target file names the system, its transport and its URLs; else the agent attaches to a reference target.
        var targetFile = AgentTargetFile.FromRequest(request.TargetFile, request.Stream, problems);
        var transports = targetFile is not null
            ? [targetFile.Transport]
            : TransportChoice.Parse("--transport", NameList.Split([request.Transport ?? ""]), problems);
        if (transports.Count != 1)
        {
            problems.Add("--transport: name one transport (websocket, signalr, sse or webhook)");
        }

        if (targetFile is not null && scenarioName != "push")
        {
            problems.Add("--target-file: agents run push against a target file; connections of one is not measured by agents");
        }

        var count = request.Agents ?? EnvInt("BENCH_AGENTS", "--agents", problems);
        var at = request.Index ?? EnvInt("JOB_COMPLETION_INDEX", "--index", problems);
        if (count is { } n && at is { } i && i >= n)
        {
            problems.Add($"--index: {i} is not below --agents ({n})");
        }

        if (targetFile is not null && count is { } agents && AgentTargetFile.Refusal(targetFile.File, agents) is { } refused)
        {
            problems.Add(refused);
        }

        // A target file's URLs were checked when it loaded; its hosts are the only ones the agent sends to.
        var url = targetFile?.PublishUrl ?? Required(request.TargetUrl, "BENCH_TARGET_URL", "--target-url", problems);
        if (targetFile is null && url is not null
            && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
        {
            problems.Add($"--target-url: '{url}' is not an absolute http(s) URL");
        }
        else if (targetFile is null && url is not null && transports.Count == 1 && !transports[0].SubscribersConnect
            && !new Uri(url).IsLoopback)
        {
            problems.Add("--target-url: a webhook agent hosts its receivers on loopback, so it runs on the dispatcher's machine; " +
                "this URL is not loopback");
        }

        var secret = targetFile is not null ? "" : Required(request.Token, "BENCH_TOKEN", "--token", problems);
        var run = Required(request.RunId, "BENCH_RUN_ID", "--run-id", problems);
        var startAt = Required(request.StartAt, "BENCH_START_AT", "--start-at", problems);
        if (startAt is not null && startAt != "stdin" && !DateTimeOffset.TryParse(startAt, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out DateTimeOffset _))
        {
            problems.Add($"--start-at: '{startAt}' is neither a UTC time (2026-12-03T10:00:00Z) nor stdin");
        }

        var clockText = request.Clock ?? "own";
        var method = ClockMethods.Parse(clockText);
        if (method is null)
        {
            problems.Add($"--clock: '{clockText}' is not own or shared");
        }

        var chosen = Profile.Find(request.Profile);
        if (chosen is null)
        {
            problems.Add($"--profile: unknown profile '{request.Profile}'; valid profiles: " +
                $"{string.Join(", ", Profile.All.Select(p => p.Name))}");
        }

        UsageException.ThrowIfAny(problems);

        var plan = new RunPlan
        {
            Scenarios = [ScenarioCatalog.Find("push")!],
            Transports = transports,
            Profile = chosen!,
            Duration = request.Duration,
            Warmup = request.Warmup,
            CostProbe = request.CostProbe,
            RatePerSec = request.RatePerSec,
            Subscribers = request.Subscribers,
            PayloadBytes = request.PayloadBytes,
        };
        var total = plan.SettingsFor(plan.Scenarios[0]);
        if (total.Subscribers < count)
        {
            throw new UsageException([$"--subscribers: {total.Subscribers} subscribers cannot be shared by {count} agents " +
                $"(at least one each)"]);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (request.ParentPid is { } parentPid)
        {
            _ = WatchParentAsync(parentPid, stop);
        }

        if (scenarioName == "connections")
        {
            // Driven line by line over standard input by bench run --agents (see AgentHold).
            var hold = new AgentHold(transports[0], at!.Value, count!.Value, url!, secret!, request.TargetPid, total.Subscribers,
                request.ReadyTimeout ?? TimeSpan.FromSeconds(60));
            try
            {
                return await hold.ExecuteAsync(progress, output, input, TimeProvider.System, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }
        }

        var outDirectory = request.Out ?? Environment.GetEnvironmentVariable("BENCH_OUT") ?? ".";
        var readyTimeout = request.ReadyTimeout ?? TimeSpan.FromSeconds(60);
        var agent = targetFile?.Run(at!.Value, count!.Value, run!, method!.Value, outDirectory, startAt!, total, readyTimeout)
            ?? new AgentRun(transports[0], at!.Value, count!.Value, run!, method!.Value, url!, secret!, request.TargetPid, outDirectory,
                startAt!, total, readyTimeout);
        try
        {
            return await agent.ExecuteAsync(progress, output, input, TimeProvider.System, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            error.WriteLine($"agent {at}: stopped before the run ended; no shard written");
            return ExitCodes.Cancelled;
        }
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
