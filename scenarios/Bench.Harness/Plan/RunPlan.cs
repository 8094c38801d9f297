using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Faults.Catalog;
using Bench.Harness.Transports;

namespace Bench.Harness.Plan;

/// <summary>
/// One run, fully decided before anything starts: profile defaults with the command line's overrides, validated once.
/// Changed only by <c>with</c> copies.
/// </summary>
public sealed record RunPlan
{
    public required IReadOnlyList<IScenario> Scenarios { get; init; }

    public required IReadOnlyList<ITransport> Transports { get; init; }

    /// <summary>The transport at-a-glance ratios are shown against (<c>--reference</c>). The default is websocket.</summary>
    public ITransport Reference { get; init; } = TransportCatalog.DefaultReference;

    /// <summary>
    /// Variants asked for with <c>--variant</c>, each a canonical <see cref="VariantName"/>; empty runs each scenario's defaults.
    /// </summary>
    public IReadOnlyList<string> Variants { get; init; } = [];

    /// <summary>Faults asked for with <c>--fault</c> (the faults scenario); empty runs them all.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    public required Profile Profile { get; init; }

    /// <summary>True for the default suite (no scenario named): the scale scenarios run their short versions.</summary>
    public bool Brief { get; init; }

    /// <summary>The named suite this plan runs (<c>claims</c>), recorded in results.json; null for any other run.</summary>
    public string? Suite { get; init; }

    /// <summary>The saturation modes to search (push, rtt); empty for both.</summary>
    public IReadOnlyList<string> SaturationModes { get; init; } = [];

    /// <summary>The run folder; null means <c>results/&lt;run-id&gt;</c>.</summary>
    public string? OutputDirectory { get; init; }

    public TimeSpan? Duration { get; init; }

    public TimeSpan? Warmup { get; init; }

    public double? RatePerSec { get; init; }

    public int? Subscribers { get; init; }

    public int? PayloadBytes { get; init; }

    public int? Connections { get; init; }

    /// <summary>Launches of the whole suite, each with fresh target processes; null is the profile's (ci: 5, else 1).</summary>
    public int? Repeat { get; init; }

    /// <summary>The launches this plan runs.</summary>
    /// <summary>Agent processes the push load is spread over (<c>--agents</c>); null: this process drives it.</summary>
    public int? Agents { get; init; }

    /// <summary>
    /// <c>--agents-listen</c>: the address agents started elsewhere (a cluster's pods) connect to; no agent process is
    /// started here. Null: the agents are started on this machine and connect over loopback.
    /// </summary>
    public System.Net.IPEndPoint? AgentsListen { get; init; }

    /// <summary><c>--agents-wait</c>: how long agents have to connect; null: 60 s on one machine, 5 minutes listening.</summary>
    public TimeSpan? AgentsWait { get; init; }

    /// <summary>The run's secret agents present (<c>$BENCH_TOKEN</c>, needed beyond loopback); null: one made up per case.</summary>
    public string? AgentsToken { get; init; }

    /// <summary>How agents time latency across their clocks; on one machine, shared.</summary>
    public Distributed.ClockMethod Clock { get; init; } = Distributed.ClockMethod.Shared;

    public int Launches => Repeat ?? (Profile == Profile.Ci ? 5 : 1);

    /// <summary>
    /// Run the transports one after another, each case on its own target launch, instead of interleaved (the ci profile,
    /// agents, variants and a gate always do). The default is false.
    /// </summary>
    public bool Sequential { get; init; }

    /// <summary>Fresh launches of every transport's target in an interleaved comparison. The default is 2.</summary>
    public int TargetLaunches { get; init; } = 2;

    /// <summary>
    /// Whether <paramref name="scenario"/> compares its transports interleaved in this plan: not sequential, two or more
    /// transports that run it, the default variant only, one process, and no gate (the ci profile gates whole launches).
    /// </summary>
    public bool Interleaves(IScenario scenario) =>
        !Sequential && Agents is null && Profile != Profile.Ci && Baseline is null && SaveBaseline is null
        && Variants.All(v => v == VariantName.Default)
        && Transports.Count(t => t.Unsupported(scenario.Name) is null) >= 2;

    /// <summary>Launches to add when the gate against <see cref="Baseline"/> finds a regression, before it is believed (0: none).</summary>
    public int Confirm { get; init; }

    /// <summary>Where to copy results.json as a baseline when the run completes (<c>--save-baseline</c>).</summary>
    public string? SaveBaseline { get; init; }

    /// <summary>A baseline to gate this run against when it completes (<c>--baseline</c>).</summary>
    public Bench.Reports.Model.RunResults? Baseline { get; init; }

    /// <summary>The name the baseline was read from, for the gate's table.</summary>
    public string BaselineName { get; init; } = "";

    /// <summary>The gate's rules (<c>--gate</c>); the built-in defaults otherwise.</summary>
    public Bench.Reports.Gate.GateFile Gate { get; init; } = Bench.Reports.Gate.GateFile.Default;

    /// <summary>The saturation scenario's p99 objective; null is its default (50 ms).</summary>
    public TimeSpan? SloP99 { get; init; }

    /// <summary>
    /// The half-rate stretch before measuring for the marginal cost (push, overhead); null keeps each scenario's own, zero turns it off.
    /// </summary>
    public TimeSpan? CostProbe { get; init; }

    /// <summary>How long a target may take to print its ready line. The default is 20 seconds.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Absolute pass/fail rules (<c>--threshold</c>): the run exits 1 when a case fails one.</summary>
    public IReadOnlyList<Bench.Reports.Thresholds.Threshold> Thresholds { get; init; } = [];

    public string CommandLine { get; init; } = "";

    /// <summary>Where live metrics are pushed over OTLP (<c>--otlp-endpoint</c>); null for nowhere.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>The port live metrics are served on for Prometheus to scrape (<c>--metrics-port</c>); null for none.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>The address <see cref="MetricsPort"/> listens on (<c>--metrics-bind</c>); null for loopback.</summary>
    public System.Net.IPAddress? MetricsBind { get; init; }

    /// <summary>The settings a scenario runs with: its defaults for the profile, then every override given.</summary>
    public ScenarioSettings SettingsFor(IScenario scenario)
    {
        var d = scenario.Defaults(Profile);
        var subscribers = Subscribers ?? d.Subscribers;
        return d with
        {
            RatePerSec = RatePerSec ?? d.RatePerSec,
            Subscribers = subscribers,
            PayloadBytes = PayloadBytes ?? d.PayloadBytes,
            Connections = Connections
                ?? (Brief && d.BriefConnections is { } brief ? brief : scenario.ConnectionsFollowSubscribers ? subscribers : d.Connections),
            Duration = Duration ?? d.Duration,
            Warmup = Warmup ?? d.Warmup,
            CostProbe = d.CostProbe > TimeSpan.Zero && CostProbe is { } probe ? probe : d.CostProbe,
            Brief = Brief,
            Probe = Profile == Profile.Ci,
        };
    }

    /// <summary>
    /// The variants to run for a scenario and transport: each one asked for, narrowed to the features this scenario and
    /// transport know (<c>cold+tls</c> is <c>tls</c> for WebSocket; a variant none of whose features apply is skipped), or,
    /// when none were asked for, the default.
    /// </summary>
    public IReadOnlyList<string> VariantsFor(IScenario scenario, ITransport transport)
    {
        var known = scenario.Variants(transport);
        if (Variants.Count == 0)
        {
            return [known[0]];
        }

        return [.. Variants
            .Select(v => (Asked: v, Kept: VariantName.Of(VariantName.Features(v).Where(known.Contains))))
            .Where(v => v.Kept != VariantName.Default || v.Asked == VariantName.Default)
            .Select(v => v.Kept)
            .Distinct()];
    }

    /// <summary>Problems with the plan, each naming the option at fault; empty when it can run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Scenarios.Count == 0)
        {
            problems.Add("no scenario to run");
        }

        if (Transports.Count == 0)
        {
            problems.Add("--transport: at least one transport is needed");
        }

        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            problems.Add("--duration must be positive");
        }

        if (Warmup is { } w && w < TimeSpan.Zero)
        {
            problems.Add("--warmup must not be negative");
        }

        if (RatePerSec is { } r && !(r > 0 && r <= 1_000_000))
        {
            problems.Add("--rate must be a positive number of events a second (at most 1,000,000)");
        }

        if (TargetLaunches is < 1 or > 20)
        {
            problems.Add("--target-launches must be between 1 and 20");
        }

        if (Repeat is { } n && n is < 1 or > 100)
        {
            problems.Add("--repeat must be between 1 and 100");
        }

        if ((Baseline is not null || SaveBaseline is not null) && Launches < Gate.MinLaunches)
        {
            problems.Add($"--repeat: the gate needs at least {Gate.MinLaunches} launches on each side (the ci profile runs 5)");
        }

        if (SloP99 is { } slo && slo <= TimeSpan.Zero)
        {
            problems.Add("--slo-p99 must be positive");
        }

        if (Subscribers is { } s && s is <= 0 or > 100_000)
        {
            problems.Add("--subscribers must be between 1 and 100,000");
        }

        if (PayloadBytes is { } p && p is <= 0 or > 16 * 1024 * 1024)
        {
            problems.Add("--payload must be between 1 and 16,777,216 bytes");
        }

        if (Connections is { } c && c is <= 0 or > 100_000)
        {
            problems.Add("--connections must be between 1 and 100,000");
        }

        foreach (var v in Variants.SelectMany(v => v == VariantName.Default ? [v] : VariantName.Features(v)).Distinct())
        {
            var knownBy = Scenarios.Where(s => Transports.Any(t => s.Variants(t).Contains(v))).ToList();
            if (knownBy.Count == 0)
            {
                var valid = Scenarios.SelectMany(s => Transports.SelectMany(t => s.Variants(t).Select(x => $"{x} ({s.Name}/{t.Name})")))
                    .Distinct();
                problems.Add($"--variant: '{v}' is not a variant of the scenarios and transports chosen; valid: " +
                    $"{string.Join(", ", valid)}");
            }
        }

        if (Scenarios.FirstOrDefault(s => s.Name == "connections") is { } held
            && Bench.Harness.Scenarios.Connections.ConnectionsScenario.CheckLimits(SettingsFor(held).Connections) is { } limit)
        {
            problems.Add(limit);
        }

        if (Agents is null && (AgentsListen is not null || AgentsWait is not null))
        {
            problems.Add($"{(AgentsListen is not null ? "--agents-listen" : "--agents-wait")}: goes with --agents N (how many agents)");
        }

        if (Agents is { } agents)
        {
            if (agents is < 1 or > 64)
            {
                problems.Add("--agents must be between 1 and 64");
            }

            if (Scenarios.FirstOrDefault(s => s.Name is not ("push" or "connections")) is { } other)
            {
                problems.Add($"--agents: push and connections spread over agents; {other.Name} runs in one process (leave " +
                    $"--agents out for it)");
            }

            if (Variants.Any(v => v != VariantName.Default))
            {
                problems.Add("--agents: agents run the default variant only (leave --variant out)");
            }

            foreach (var file in Transports.OfType<Bench.Harness.TargetFiles.FileTransport>())
            {
                if (Scenarios.Any(s => s.Name == "connections"))
                {
                    problems.Add($"--agents: connections of a --target file are not spread over agents (push is); run connections " +
                        "against it without --agents");
                    break;
                }

                if (Bench.Harness.Distributed.AgentTargetFile.Refusal(file.File, agents) is { } refused)
                {
                    problems.Add(refused);
                }
            }

            if (AgentsListen is { } listen)
            {
                if (Scenarios.FirstOrDefault(s => s.Name != "push") is { } notPush)
                {
                    problems.Add($"--agents-listen: agents started elsewhere run push; {notPush.Name} agents run on this machine (leave " +
                        "--agents-listen out for it)");
                }

                if (!System.Net.IPAddress.IsLoopback(listen.Address) && string.IsNullOrEmpty(AgentsToken))
                {
                    problems.Add($"--agents-listen: {listen} is beyond loopback, so agents must present the run's secret: set " +
                        "$BENCH_TOKEN (the same in the agents' environment)");
                }
            }

            if (Scenarios.Any(s => s.Name == "push") && Subscribers is { } few && few < agents)
            {
                problems.Add($"--subscribers: {few} subscribers cannot be shared by {agents} agents (at least one each)");
            }
        }

        if (Transports.Count > 1
            && Transports.OfType<Bench.Harness.TargetFiles.FileTransport>().FirstOrDefault(f => f.PublishesItself) is { } own)
        {
            problems.Add($"{own.File.Path}: source: server: a system that publishes on its own is measured alone (its load is its " +
                "own, not the others'): give it as the only --target");
        }

        if (Faults.Count > 0 && !Scenarios.Any(s => s.Name == "faults"))
        {
            problems.Add("--fault goes with the faults scenario (bench run faults --fault drop)");
        }

        foreach (var f in Faults.Where(f => FaultCatalog.Find(f) is null))
        {
            problems.Add($"--fault: unknown fault '{f}'; valid faults: {string.Join(", ", FaultCatalog.All.Select(x => x.Name))}");
        }

        return problems;
    }
}
