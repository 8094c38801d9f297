using System.CommandLine;
using Bench.Harness.Calibration;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench calibrate</c>: the gate's false alarms or detection rate from pools of launches (<see
/// cref="GateCalibration"/>); with <c>--run</c>, the jobs, the rates of several rule sets and a gate file (<see
/// cref="CalibrationRun"/>).
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var baseline = new Argument<string?>("pool")
        {
            Description = "A results.json (or run folder) of many launches of one "
                + "build, or a bench ab folder (its base and head are the two pools). Not with --run.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var slower = CliOptions.Text("--against",
            "A second pool (e.g. the same build with a slowdown): compare the first against it.");
        var paired = CliOptions.Flag("--paired",
            "Draw pairs of launches from a bench ab folder and gate them as pairs, as bench ab does.");
        var launches = CliOptions.PositiveInt("--launches",
            "Launches per side (pairs with --paired) in each comparison. The default is 5 (6 with --paired); with --run, pairs per "
                + "draw, 20 (as a default bench ab job) or --pairs when fewer.");
        var draws = CliOptions.PositiveInt("--draws", "Comparisons to make (per job with --run). The default is 20 (100 with --run).");
        var seed = CliOptions.PositiveInt("--seed", "Random seed (with --run, also the jobs' block order). The default is 1.");
        var gate = new Option<string?>("--gate") { Description = "The gate's rules. The default is built in." };
        var normalize = CliOptions.Normalize();
        var sameBuild = CliOptions.Flag("--same-build",
            "The bench ab job ran one build on both sides (A/A): take each draw's two "
            + "sides from all its launches (with --paired, flip each pair's sides at random), so a "
            + "chance difference between the job's two halves is not counted again in every draw.");
        var confirm = CliOptions.PositiveInt("--confirm",
            "When a draw gates as a regression, add this many more launches and take the verdict over all of them: pairs with "
                + "--paired (as bench ab --confirm), else launches of the current side only (as bench run --baseline --confirm).");
        var blocks = CliOptions.Flag("--blocks",
            "Instead of random draws, compare consecutive blocks of launches in the order they ran, "
            + "sharing no launch (as separate jobs would have run them); --draws is then the most blocks.");
        var run = CliOptions.Flag("--run",
            "Calibrate the interleaved gate on this machine in one go: run three interleaved bench ab jobs of this build "
            + "(A/A, the head burning CPU per event, the head waiting per event), gate the same draws of each by a grid of "
            + "rule sets, print their rates, choose one (A/A: no exit 1 and exit 3 under 5 %; then most waits, then burns "
            + "caught; ties: the built-in rules) and write it as a gate file. Exit 3 when none meets the goals. See docs/ci.md.");
        var pairs = CliOptions.PositiveInt("--pairs", "--run: pairs of blocks per case in each job. The default is 50.");
        var wait = CliOptions.PositiveDuration("--wait",
            "--run: what the wait job's head targets wait per event without CPU (BENCH_INJECT_WAIT). The default is 50us.");
        var burn = CliOptions.PositiveDuration("--burn",
            "--run: the CPU the burn job's head targets burn per event (BENCH_INJECT_DELAY). The default is 20us.");
        var block = CliOptions.Duration("--block", "--run: the length of one block of load. The default is 1s.");
        var transport = CliOptions.Text("--transport",
            "--run: transports to measure, comma-separated. The default is all four.");
        var output = CliOptions.Text("--out",
            "--run: where the jobs (aa, burn, wait: base and head results.json each) go. The default is "
            + "results/calibrate-<time>.");
        var writeGate = CliOptions.Text("--write-gate",
            "--run: the gate file to write. The default is bench.gate.json in the --out folder.");
        var force = CliOptions.Flag("--force",
            "--run: when no rule set meets the goals, write the built-in rules with the rates anyway (still exit 3).");
        var from = CliOptions.Text("--from",
            "--run: instead of running the jobs, gate again the ones an earlier --run wrote to this folder (its --out): "
            + "aa, burn and wait, with this build's rule sets. --draws, --launches, --seed, --write-gate and --force apply.");
        var command = new Command("calibrate",
            "Measure the gate's false alarms (the same build on both sides) or its detection rate (a slowed second side) on this "
                + "machine; --run runs the jobs itself and writes a calibrated gate file.")
        {
            baseline, slower, paired, launches, draws, seed, gate, blocks, normalize, sameBuild, confirm,
            run, pairs, wait, burn, block, transport, output, writeGate, force, from,
        };
        command.SetAction((parse, _) =>
        {
            var problems = new List<string>();
            if (parse.GetValue(run))
            {
                problems.AddRange(new (string Name, bool Given)[]
                {
                    ("pool", parse.GetValue(baseline) is not null), ("--against", parse.GetValue(slower) is not null),
                    ("--paired", parse.GetValue(paired)), ("--gate", parse.GetValue(gate) is not null),
                    ("--blocks", parse.GetValue(blocks)), ("--normalize", parse.GetValue(normalize)),
                    ("--same-build", parse.GetValue(sameBuild)), ("--confirm", parse.GetValue(confirm) is not null),
                }.Where(o => o.Given).Select(o => $"{o.Name}: not with --run (it runs its own jobs, paired, and tries its own rules)"));
                return problems.Count > 0 ? Task.FromResult(Program.UsageError(problems)) : Program.CallAsync(() => CalibrationRun.RunAsync(
                    new CalibrateRunRequest
                    {
                        Pairs = parse.GetValue(pairs),
                        PairsPerDraw = parse.GetValue(launches),
                        Draws = parse.GetValue(draws),
                        Seed = parse.GetValue(seed),
                        Wait = parse.GetValue(wait),
                        Burn = parse.GetValue(burn),
                        Block = parse.GetValue(block),
                        Transport = parse.GetValue(transport),
                        Out = parse.GetValue(output),
                        WriteGate = parse.GetValue(writeGate),
                        Force = parse.GetValue(force),
                        From = parse.GetValue(from),
                    },
                    Console.Out,
                    Console.Error,
                    cancellation()));
            }

            problems.AddRange(new (string Name, bool Given)[]
            {
                ("--pairs", parse.GetValue(pairs) is not null), ("--wait", parse.GetValue(wait) is not null),
                ("--burn", parse.GetValue(burn) is not null), ("--block", parse.GetValue(block) is not null),
                ("--transport", parse.GetValue(transport) is not null), ("--out", parse.GetValue(output) is not null),
                ("--write-gate", parse.GetValue(writeGate) is not null), ("--force", parse.GetValue(force)),
                ("--from", parse.GetValue(from) is not null),
            }.Where(o => o.Given).Select(o => $"{o.Name}: goes with --run"));
            if (parse.GetValue(baseline) is null)
            {
                problems.Add("pool: a pool of launches to calibrate from (or --run to run the jobs)");
            }

            if (problems.Count > 0)
            {
                return Task.FromResult(Program.UsageError(problems));
            }

            return Task.FromResult(Program.Call(() => GateCalibration.Run(
                new CalibrateRequest(parse.GetValue(baseline)!)
                {
                    Against = parse.GetValue(slower),
                    Paired = parse.GetValue(paired),
                    Launches = parse.GetValue(launches),
                    Draws = parse.GetValue(draws),
                    Seed = parse.GetValue(seed),
                    Gate = parse.GetValue(gate),
                    Normalize = parse.GetValue(normalize),
                    SameBuild = parse.GetValue(sameBuild),
                    Confirm = parse.GetValue(confirm),
                    Blocks = parse.GetValue(blocks),
                },
                Console.Out)));
        });
        return command;
    }
}
