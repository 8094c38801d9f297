using System.CommandLine;
using Bench.Harness.Gate;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench ab --base DIR --head DIR</c>: the pull-request gate (<see cref="AbGate"/>).</summary>
internal static class AbCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var baseDir = CliOptions.Text("--base",
            "The base build: a folder holding its bench executable (e.g. artifacts/bench of main).");
        var headDir = new Option<string?>("--head") { Description = "The head build: a folder holding its bench executable." };
        var baseTarget = CliOptions.Text("--base-target",
            "Instead of two builds, two deployments of your service: the base's target file (this bench measures both).");
        var headTarget = new Option<string?>("--head-target") { Description = "The head deployment's target file, with --base-target." };
        var launches = CliOptions.PositiveInt("--launches",
            "--mode launches: launches of each build, run as pairs. The default is 6: the fewest "
                + "pairs whose signed-rank test can reach p < 0.05, half of them base first.");
        var output = CliOptions.Text("--out",
            "Where the launches, both merged results and the gate's table go. The default is results/ab-<time>.");
        var gate = new Option<string?>("--gate") { Description = "The gate's rules (bench.gate.json). The default is built in." };
        var headEnv = CliOptions.Texts("--head-env",
            "NAME=VALUE set for the head's launches only (e.g. BENCH_INJECT_DELAY=200us to prove the gate). Repeatable.");
        var normalize = new Option<bool>("--normalize")
        {
            Description = "--mode launches: adjust latencies for each launch's loopback echo probe before "
                + "gating (on by default there: both builds run the ci profile, which measures it). "
                + "--normalize false gates without it, e.g. against a base too old to have the probe.",
            DefaultValueFactory = _ => true,
        };
        var confirm = CliOptions.NonNegativeInt("--confirm",
            "--mode launches: when the gate finds a regression, run this many more pairs and gate again on all of them, so a fluke "
                + "does not fail the build. The default is 4; 0 believes the first verdict. (Interleaved mode gates its blocks once.)");
        var transport = CliOptions.Text("--transport",
            "Transports to measure, comma-separated (interleaved: the cases run; launches: passed "
            + "to each launch's bench run). The default is all four; websocket,webhook halves the job.");
        var baseEnv = new Option<string[]>("--base-env") { Description = "NAME=VALUE set for the base's launches only. Repeatable." };
        var mode = new Option<string>("--mode")
        {
            Description = "interleaved (the default): both builds' targets run at once and this bench alternates short blocks of load "
                + "between them, in random order within each pair, gating the pairs of blocks; launches: whole ci launches of each build "
                + "one after another (for changes that need fresh processes: start-up, memory, the harness itself). See docs/ci.md.",
            DefaultValueFactory = _ => "interleaved",
        };
        var pairsOption = CliOptions.PositiveInt("--pairs", "Interleaved mode: pairs of blocks per case. The default is 20.");
        var blockOption = CliOptions.Duration("--block", "Interleaved mode: the length of one block of load. The default is 1s.");
        var seedOption = CliOptions.PositiveInt("--seed", "Interleaved mode: the seed of each pair's random order. The default is 1.");
        var command = new Command("ab",
            "Gate a head build against a base build on this machine, interleaving short blocks of load between their targets (or whole "
                + "ci launches with --mode launches): exit 0, 1 regression, 3 inconclusive, 2 bad usage, 4 a launch or target failed.")
        {
            baseDir, headDir, baseTarget, headTarget, launches, output, gate, headEnv, baseEnv, normalize, confirm, transport, mode,
            pairsOption, blockOption, seedOption,
        };
        command.SetAction((parse, _) => Program.CallAsync(() => AbGate.RunAsync(
            new AbRequest
            {
                Base = parse.GetValue(baseDir),
                Head = parse.GetValue(headDir),
                BaseTarget = parse.GetValue(baseTarget),
                HeadTarget = parse.GetValue(headTarget),
                Launches = parse.GetValue(launches),
                Out = parse.GetValue(output),
                Gate = parse.GetValue(gate),
                HeadEnv = parse.GetValue(headEnv),
                BaseEnv = parse.GetValue(baseEnv),
                Normalize = parse.GetValue(normalize),
                Confirm = parse.GetValue(confirm),
                Transport = parse.GetValue(transport),
                Mode = parse.GetValue(mode)!,
                Pairs = parse.GetValue(pairsOption),
                Block = parse.GetValue(blockOption),
                Seed = parse.GetValue(seedOption),
            },
            Console.Out,
            Console.Error,
            cancellation())));
        return command;
    }
}
