using System.Globalization;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Transports;

namespace Bench.Harness.Distributed;

/// <summary>
/// <c>bench agent push</c>: one shard of a push run spread over several agents (a Kubernetes Indexed Job's pods, or the
/// processes <c>bench run --agents</c> starts), told everything by its coordinator: it needs only where the coordinator
/// listens, its index and the run's token, each from an option or the environment a pod is given. <c>bench agent
/// connections</c> is driven over standard input by <c>bench run connections --agents</c>. Bad usage is a
/// <see cref="UsageException"/>.
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

        var at = request.Index ?? EnvInt("JOB_COMPLETION_INDEX", "--index", problems);
        var secret = Required(request.Token, "BENCH_TOKEN", "--token", problems);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (scenarioName == "push")
        {
            var given = new (string Option, bool Given)[]
            {
                ("--transport", request.Transport is not null), ("--agents", request.Agents is not null),
                ("--target-url", request.TargetUrl is not null), ("--target-pid", request.TargetPid is not null),
                ("--subscribers", request.Subscribers is not null), ("--ready-timeout", request.ReadyTimeout is not null),
            };
            problems.AddRange(given.Where(g => g.Given).Select(g => $"{g.Option}: bench agent push is told it by its coordinator " +
                "(bench run); leave it out"));
            var where = Required(request.Coordinator, "BENCH_COORDINATOR", "--coordinator", problems);
            var endpoint = where is null ? null : ParseEndpoint(where, problems);
            UsageException.ThrowIfAny(problems);
            if (request.ParentPid is { } parentPid)
            {
                _ = WatchParentAsync(parentPid, stop);
            }

            var agent = new CoordinatedAgent(endpoint!.Value.Host, endpoint.Value.Port, at!.Value, secret!);
            return await agent.RunAsync(progress, error, TimeProvider.System, stop.Token).ConfigureAwait(false);
        }

        if (request.Coordinator is not null)
        {
            problems.Add("--coordinator: bench agent connections is driven over standard input, not by a coordinator");
        }

        var transports = TransportChoice.Parse("--transport", NameList.Split([request.Transport ?? ""]), problems);
        if (transports.Count != 1)
        {
            problems.Add("--transport: name one transport (websocket, signalr, sse or webhook)");
        }

        var count = request.Agents ?? EnvInt("BENCH_AGENTS", "--agents", problems);
        if (count is { } n && at is { } i && i >= n)
        {
            problems.Add($"--index: {i} is not below --agents ({n})");
        }

        var url = Required(request.TargetUrl, "BENCH_TARGET_URL", "--target-url", problems);
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
        {
            problems.Add($"--target-url: '{url}' is not an absolute http(s) URL");
        }
        else if (url is not null && transports.Count == 1 && !transports[0].SubscribersConnect && !new Uri(url).IsLoopback)
        {
            problems.Add("--target-url: a webhook agent hosts its receivers on loopback, so it runs on the dispatcher's machine; " +
                "this URL is not loopback");
        }

        if (request.Subscribers is null)
        {
            problems.Add("--subscribers: not given (all agents' subscribers together)");
        }
        else if (request.Subscribers < count)
        {
            problems.Add($"--subscribers: {request.Subscribers} subscribers cannot be shared by {count} agents (at least one each)");
        }

        UsageException.ThrowIfAny(problems);
        if (request.ParentPid is { } parent)
        {
            _ = WatchParentAsync(parent, stop);
        }

        // Driven line by line over standard input by bench run --agents (see AgentHold).
        var hold = new AgentHold(transports[0], at!.Value, count!.Value, url!, secret!, request.TargetPid, request.Subscribers!.Value,
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

    /// <summary>HOST:PORT (a name, an IPv4 address or a bracketed IPv6 one); a problem naming --coordinator otherwise.</summary>
    public static (string Host, int Port)? ParseEndpoint(string text, List<string> problems)
    {
        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        if (colon <= 0 || host.Length == 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture,
            out var port) || port is < 1 or > 65535)
        {
            problems.Add($"--coordinator: '{text}' is not HOST:PORT (bench-coordinator:7000, 10.0.0.5:7000, [::1]:7000)");
            return null;
        }

        return (host, port);
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
