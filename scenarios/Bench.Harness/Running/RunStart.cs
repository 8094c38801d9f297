using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;

namespace Bench.Harness.Running;

/// <summary>
/// <c>bench run [SCENARIO...]</c>: the plan made from what was asked for, checked before anything starts (bad usage is a
/// <see cref="UsageException"/>), then run by <see cref="RunExecutor"/>: results, report and charts.
/// </summary>
public static class RunStart
{
    public static async Task<int> RunAsync(RunRequest request, IProgressSink progress, TextWriter output, CancellationToken ct)
    {
        var problems = new List<string>();
        var chosen = new List<IScenario>();
        var names = NameList.Split(request.Scenarios);
        var claims = names.Contains(ScenarioCatalog.ClaimsSuite, StringComparer.OrdinalIgnoreCase);
        if (claims && names.Count > 1)
        {
            problems.Add("claims is a suite of its own: run it alone (bench run claims)");
        }

        foreach (var name in names.Where(n => !string.Equals(n, ScenarioCatalog.ClaimsSuite, StringComparison.OrdinalIgnoreCase)))
        {
            if (ScenarioCatalog.Find(name) is { } s)
            {
                chosen.Add(s);
            }
            else if (name.StartsWith('-'))
            {
                // The command line hands a word it does not know on as a scenario: name it as the option it was meant to be.
                problems.Add($"{name}: not an option of bench run; bench run --help lists them");
            }
            else
            {
                problems.Add($"unknown scenario '{name}'; valid scenarios: {string.Join(", ", ScenarioCatalog.All.Select(x => x.Name))}" +
                    $", or the suite claims");
            }
        }

        var profileName = request.Profile;
        var chosenProfile = Profile.Find(profileName);
        if (chosenProfile is null)
        {
            problems.Add($"--profile: unknown profile '{profileName}'; valid profiles: " +
                $"{string.Join(", ", Profile.All.Select(p => p.Name))}");
        }

        var transports = TransportChoice.Parse("--transport", NameList.Split(request.Transports), problems);
        var targets = TransportChoice.Targets(request.Targets ?? [], problems);
        if (targets.Count > 0 && transports.Count > 0)
        {
            problems.Add("--target and --transport: name what to measure with one of them (builtin:websocket is the reference " +
                "WebSocket hub as a target)");
        }

        var referenceTransport = TransportChoice.Reference(request.Reference, problems, targets);

        var (gateFile, baselineRun, baselineName) = Gate.GateRun.LoadInputs(request.Gate, request.Baseline, problems, request.Normalize);
        var measured = targets.Count > 0 ? targets : transports.Count > 0 ? transports : TransportCatalog.DefaultComparison;
        var ci = chosenProfile == Profile.Ci;
        IReadOnlyList<IScenario> suite = claims ? ScenarioCatalog.All
            : chosen.Count > 0 ? chosen
            : ci ? ScenarioCatalog.CiSuite : ScenarioCatalog.DefaultSuite;

        // The profile's own thresholds hold the scenarios that run (a rule about a scenario left out would fail), then --threshold's.
        var fromProfile = (chosenProfile?.Thresholds ?? [])
            .Where(t => suite.Any(s => t.StartsWith(s.Name + ".", StringComparison.OrdinalIgnoreCase)));
        var thresholds = ThresholdCheck.Read([.. fromProfile, .. request.Thresholds], measured, problems);
        UsageException.ThrowIfAny(problems);

        var plan = new RunPlan
        {
            Scenarios = suite,
            Brief = claims || (chosen.Count == 0 && !ci),
            Suite = claims ? ScenarioCatalog.ClaimsSuite : null,
            SaturationModes = claims ? ["push"] : [],
            Repeat = request.Repeat,
            SaveBaseline = request.SaveBaseline,
            Baseline = baselineRun,
            BaselineName = baselineName,
            Gate = gateFile,
            Confirm = request.Confirm ?? 5,
            SloP99 = request.SloP99,
            Transports = targets.Count > 0 ? targets : transports.Count > 0 ? transports : TransportCatalog.DefaultComparison,
            Reference = referenceTransport,
            Variants = claims && (request.Variants ?? []).Length == 0
                ? [VariantName.Default]
                : [.. (request.Variants ?? []).Select(v => VariantName.Of(v.ToLowerInvariant()
                    .Split([',', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))).Distinct()],
            Faults = claims && NameList.Split(request.Faults).Count == 0 ? ScenarioCatalog.ClaimsFaults : NameList.Split(request.Faults),
            Profile = chosenProfile!,
            OutputDirectory = request.Out,
            Duration = request.Duration ?? (claims ? TimeSpan.FromSeconds(6) : null),
            Warmup = request.Warmup ?? (claims ? TimeSpan.FromSeconds(3) : null),
            CostProbe = request.CostProbe,
            RatePerSec = request.RatePerSec,
            Subscribers = request.Subscribers,
            PayloadBytes = request.PayloadBytes,
            Connections = request.Connections,
            ReadyTimeout = request.ReadyTimeout ?? TimeSpan.FromSeconds(20),
            CommandLine = request.CommandLine,
            OtlpEndpoint = request.OtlpEndpoint is { } url
                ? Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : null
                : null,
            MetricsPort = request.MetricsPort,
            MetricsBind = MetricsBind(request),
            Agents = request.Agents,
            AgentsListen = AgentsListen(request),
            AgentsWait = request.AgentsWait,
            AgentsToken = request.AgentsListen is null ? null : Environment.GetEnvironmentVariable("BENCH_TOKEN") is { Length: > 0 } t
                ? t
                : null,
            Sequential = request.Sequential,
            TargetLaunches = request.TargetLaunches ?? 2,
            Thresholds = thresholds,
        };
        if (request.OtlpEndpoint is { } given && plan.OtlpEndpoint is null)
        {
            throw new UsageException([$"--otlp-endpoint: '{given}' is not an absolute http(s) URL"]);
        }

        if (plan.MetricsPort is > 65535)
        {
            throw new UsageException([$"--metrics-port: {plan.MetricsPort} is not a port (1 to 65535)"]);
        }

        if (plan.MetricsPort is { } port && !PortFree(plan.MetricsBind ?? System.Net.IPAddress.Loopback, port))
        {
            var at = new System.Net.IPEndPoint(plan.MetricsBind ?? System.Net.IPAddress.Loopback, port);
            throw new UsageException([$"--metrics-port: {at} is in use; choose another port"]);
        }
        if (plan.Validate() is { Count: > 0 } invalid)
        {
            throw new UsageException(invalid);
        }

        if (TransportChoice.CheckFixedReceivers(plan) is { } fixedReceiver)
        {
            throw new UsageException([fixedReceiver]);
        }

        if (await TransportChoice.PreflightAsync(targets, ct).ConfigureAwait(false) is { } failed)
        {
            throw new UsageException([failed]);
        }

        return await new RunExecutor(plan, progress, output, TimeProvider.System).ExecuteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The address and port <c>--agents-listen</c> names, or null; usage errors name the option.</summary>
    private static System.Net.IPEndPoint? AgentsListen(RunRequest request)
    {
        if (request.AgentsListen is not { } given)
        {
            return null;
        }

        // A port must be named: 1.2.3.4:7000, or [::]:7000 for IPv6 (whose bare address holds colons of its own).
        var hasPort = given.StartsWith('[')
            ? given.Contains("]:", StringComparison.Ordinal)
            : given.Contains(':', StringComparison.Ordinal);
        if (!hasPort || !System.Net.IPEndPoint.TryParse(given, out var at))
        {
            throw new UsageException([$"--agents-listen: '{given}' is not ADDRESS:PORT (0.0.0.0:7000, 127.0.0.1:7000, [::]:7000)"]);
        }

        if (at.Port != 0 && !PortFree(at.Address, at.Port))
        {
            throw new UsageException([$"--agents-listen: {at} is in use; choose another port"]);
        }

        return at;
    }

    /// <summary>The address <c>--metrics-bind</c> names, or null for loopback; usage errors name the option.</summary>
    private static System.Net.IPAddress? MetricsBind(RunRequest request)
    {
        if (request.MetricsBind is not { } given)
        {
            return null;
        }

        if (request.MetricsPort is null)
        {
            throw new UsageException(["--metrics-bind: live metrics are served only with --metrics-port"]);
        }

        return System.Net.IPAddress.TryParse(given, out var address)
            ? address
            : throw new UsageException(
                [$"--metrics-bind: '{given}' is not an IP address (127.0.0.1, ::1, 0.0.0.0, :: or one of this machine's)"]);
    }

    /// <summary>Whether <paramref name="port"/> on <paramref name="address"/> can be listened on now (checked before the run).</summary>
    private static bool PortFree(System.Net.IPAddress address, int port)
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpListener(address, port);
            probe.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
