using System.CommandLine;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench run [SCENARIO...]</c>: measures scenarios for each transport and writes results, report and charts.</summary>
internal static class RunCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var scenarios = new Argument<string[]>("scenario")
        {
            Description = $"Scenarios to run: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}. "
                + $"None named runs the comparison: {string.Join(", ", ScenarioCatalog.DefaultSuite.Select(s => s.Name))} "
                + "(short forms of the last two). The suite claims (alone) checks common claims about the transports: every scenario in "
                + "short form, default variants, faults restart, outage and overload (under 10 minutes).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var profile = new Option<string>("--profile")
        {
            Description = "Defaults to use: " + string.Join(", ", Profile.All.Select(p => p.Name)) + ".",
            DefaultValueFactory = _ => Profile.Quick.Name,
        };
        var transport = new Option<string[]>("--transport")
        {
            Description = "Transports, comma-separated: " + string.Join(",", TransportCatalog.All.Select(t => t.Name))
                + ", or all (the default: " + string.Join(",", TransportCatalog.DefaultComparison.Select(t => t.Name)) + ").",
            AllowMultipleArgumentsPerToken = false,
        };
        var target = CliOptions.Texts("--target",
            "What to measure instead of the transports: a target file (YAML or JSON) describing your "
            + "own server, or builtin:websocket|signalr|sse|webhook|grpc for a reference target; repeat to "
            + "compare several side by side. Load goes only to the hosts the file names. See docs/targets.md.");
        var reference = CliOptions.Text("--reference",
            "The transport (or --target name) the report's ratios are against. The default is "
            + $"{TransportCatalog.DefaultReference.Name}, or with --target and no websocket, the first target.");
        var variant = CliOptions.Texts("--variant",
            "A variant: features joined by commas combine into one (cold,tls: a new TLS connection per "
            + "webhook); repeat --variant to run several. Features (see bench list): tls, compression (websocket, sse, "
            + "webhook), messagepack (signalr), cold (webhook), wan (rtt, push, faults), resume and durable (websocket, "
            + "sse, grpc; durable: from the hub's replay log, across a restart), stateful (signalr) in faults; "
            + "memory-outbox and one-origin (webhook) in push and overhead, memory-outbox "
            + "also in faults. A feature a transport lacks is left out for it. The default: each scenario's own.");
        var fault = CliOptions.Texts("--fault",
            "Faults to inject, comma-separated (faults scenario): drop, restart, outage, blackhole, "
            + "slow, overload (webhooks: 503 with Retry-After), storm (a restart under 5,000 subscribers a "
            + "transport, or as many as the open-file limit allows). The default: all but storm.");
        var output = CliOptions.Text("--out",
            "Run folder. The default is results/<run-id>, with results/latest pointing at it.");
        var duration = CliOptions.Duration("--duration",
            "Measured time per scenario × transport, e.g. 10s (profile default); "
                + "interleaved, it is cut into 1 s blocks shared among the target launches.");
        var warmup = CliOptions.Duration("--warmup", "Warm-up before measuring, excluded from results, e.g. 5s (profile default).");
        var costProbe = CliOptions.Duration("--cost-probe",
            "Push and overhead: how long to run on at half the rate after the measured window, so CPU per delivery is a marginal "
                + "cost (the slope between the two loads). The default is 5s (none in the ci profile); 0s turns it off.");
        var rate = CliOptions.PositiveDouble("--rate", "Requests (rtt) or published events (push) a second.");
        var subscribers = CliOptions.PositiveInt("--subscribers", "Subscribers each event is delivered to (push).");
        var payload = CliOptions.PositiveInt("--payload", "Payload bytes of each event or request.");
        var connections = CliOptions.PositiveInt("--connections",
            "Client connections (rtt: virtual users, one kept-alive connection each).");
        var slo = CliOptions.Duration("--slo-p99", "Saturation: the p99 latency a step may not exceed. The default is 50ms.");
        var repeat = CliOptions.PositiveInt("--repeat",
            "Launches of the whole suite, each with fresh targets; summaries are "
                + "medians across them. The default is 5 for the ci profile, else 1.");
        var saveBaseline = CliOptions.Text("--save-baseline",
            "When the run completes, copy its results.json here, as the baseline for a later --baseline or bench compare.");
        var baseline = CliOptions.Text("--baseline",
            "Gate this run against a baseline (a results.json or run "
            + "folder): exit 1 on a regression, 3 if inconclusive, as bench compare.");
        var normalize = CliOptions.Normalize();
        var confirm = CliOptions.NonNegativeInt("--confirm",
            "With --baseline: when the gate finds a regression, run this many more launches and gate again on all "
                + "of them, so a fluke does not fail the build. The default is 5; 0 believes the first verdict.");
        var gate = CliOptions.Text("--gate",
            "The gate's rules (bench.gate.json: metrics, thresholds, significance). The default is built in; see docs/ci.md.");
        var readyTimeout = CliOptions.PositiveDuration("--ready-timeout", "How long a target may take to start. The default is 20s.");
        var otlp = CliOptions.Text("--otlp-endpoint",
            "Push live metrics (sent, delivered, lost, errors, rates, latency) over OTLP to this URL every "
            + "second: gRPC (http://HOST:4317), or HTTP when the path ends in /v1/metrics. The default is none.");
        var agents = CliOptions.PositiveInt("--agents",
            "Spread push (subscribers and publish rate) or connections (subscribers) over this many agent "
                + "processes on this machine, started as a Kubernetes Indexed Job's pods would be (or, with --agents-listen, "
                + "agents started elsewhere), and merge their shards exactly (see docs/distributed.md): bench run is their "
                + "coordinator; push agents connect to it and send their shards back. The default is one process.");
        var agentsListen = CliOptions.Text("--agents-listen",
            "With --agents N (push): start no agent here; listen on ADDRESS:PORT (0.0.0.0:7000) for N agents "
            + "started elsewhere (bench agent push with $BENCH_COORDINATOR, $JOB_COMPLETION_INDEX, $BENCH_TOKEN) and "
            + "coordinate them. Beyond loopback $BENCH_TOKEN must be set here too.");
        var agentsWait = CliOptions.PositiveDuration("--agents-wait",
            "With --agents (push): how long agents have to connect; the run goes on without those that do not, and fails (exit 4) "
                + "naming them. The default is 60s, or 5m with --agents-listen.");
        var sequential = CliOptions.Flag("--sequential",
            "Run the transports one after another, each on its own target launch, instead of interleaved. "
            + "By default rtt, push and overhead compare two or more transports interleaved: every target up at once, "
            + "the measured time cut into 1 s blocks, each round one block per transport in seeded random order, "
            + "on --target-launches fresh launches (see docs/method.md).");
        var targetLaunches = CliOptions.PositiveInt("--target-launches",
            "Interleaved comparisons: fresh launches of every transport's target, "
                + "whose blocks the intervals resample first. The default is 2.");
        var threshold = CliOptions.Texts("--threshold",
            "An absolute pass/fail rule, repeatable: 'push.p99 < 50ms', 'push.lost == 0', 'saturation.max_rate > 5000/s'; "
            + "'sse: push.p99 < 2ms' holds one transport's cases; ', abort-on-fail' stops the run when a case fails it. "
            + "Exit 1 when any fails. Metrics: bench list.");
        var metricsPort = CliOptions.PositiveInt("--metrics-port",
            "Serve live metrics in the Prometheus text format on http://127.0.0.1:PORT/metrics while the run goes. The default is none.");
        var metricsBind = CliOptions.Text("--metrics-bind",
            "The IP address --metrics-port listens on; the default is 127.0.0.1. Beyond loopback (0.0.0.0, ::, "
            + $"an interface's address) every scrape needs 'Authorization: Bearer TOKEN': {MetricsExport.TokenVariable}, "
            + "or a token made up and printed on stdout as 'token …'.");

        var command = new Command("run", "Measure scenarios over each transport; write results.json, report.md and charts.")
        {
            scenarios, profile, transport, target, reference, variant, fault, output, duration, warmup, costProbe, rate, subscribers,
            payload, connections, slo, repeat, saveBaseline, baseline, gate, normalize, confirm, readyTimeout, otlp, metricsPort,
            metricsBind, agents, agentsListen, agentsWait,
            sequential, targetLaunches, threshold,
        };
        command.SetAction((parse, _) => Program.CallAsync(() => RunStart.RunAsync(
            new RunRequest
            {
                Scenarios = parse.GetValue(scenarios),
                Profile = parse.GetValue(profile) ?? Profile.Quick.Name,
                Transports = parse.GetValue(transport),
                Targets = parse.GetValue(target),
                Reference = parse.GetValue(reference),
                Variants = parse.GetValue(variant),
                Faults = parse.GetValue(fault),
                Out = parse.GetValue(output),
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                CostProbe = parse.GetValue(costProbe),
                RatePerSec = parse.GetValue(rate),
                Subscribers = parse.GetValue(subscribers),
                PayloadBytes = parse.GetValue(payload),
                Connections = parse.GetValue(connections),
                SloP99 = parse.GetValue(slo),
                Repeat = parse.GetValue(repeat),
                SaveBaseline = parse.GetValue(saveBaseline),
                Baseline = parse.GetValue(baseline),
                Normalize = parse.GetValue(normalize),
                Confirm = parse.GetValue(confirm),
                Gate = parse.GetValue(gate),
                ReadyTimeout = parse.GetValue(readyTimeout),
                OtlpEndpoint = parse.GetValue(otlp),
                MetricsPort = parse.GetValue(metricsPort),
                MetricsBind = parse.GetValue(metricsBind),
                Agents = parse.GetValue(agents),
                AgentsListen = parse.GetValue(agentsListen),
                AgentsWait = parse.GetValue(agentsWait),
                Sequential = parse.GetValue(sequential),
                TargetLaunches = parse.GetValue(targetLaunches),
                Thresholds = parse.GetValue(threshold) ?? [],
                CommandLine = Program.CommandLine,
            },
            new ConsoleProgress(),
            Console.Out,
            cancellation())));
        return command;
    }
}
