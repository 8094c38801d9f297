using System.CommandLine;
using Bench.Harness;
using Bench.Harness.Gate;
using Bench.Harness.Running;
using Bench.Harness.Transports;
using Bench.Reports;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench ab --base DIR --head DIR</c>: the pull-request gate. Runs the ci suite from two built copies of Bench
/// alternately — base, head, head, base, base, head, … — one launch at a time, so the machine's drift falls on both
/// alike. Launch i of base and launch i of head ran back to back, so the gate compares them as pairs (their positions
/// are kept in <c>launches[].position</c>, and <c>bench compare</c> of the two merged results pairs them again).
/// </summary>
internal static class AbCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var baseDir = new Option<string?>("--base") { Description = "The base build: a folder holding its bench executable (e.g. artifacts/bench of main)." };
        var headDir = new Option<string?>("--head") { Description = "The head build: a folder holding its bench executable." };
        var baseTarget = new Option<string?>("--base-target") { Description = "Instead of two builds, two deployments of your service: the base's target file (this bench measures both)." };
        var headTarget = new Option<string?>("--head-target") { Description = "The head deployment's target file, with --base-target." };
        var launches = CliOptions.PositiveInt("--launches", "--mode launches: launches of each build, run as pairs. The default is 6: the fewest pairs whose signed-rank test can reach p < 0.05, half of them base first.");
        var output = new Option<string?>("--out") { Description = "Where the launches, both merged results and the gate's table go. The default is results/ab-<time>." };
        var gate = new Option<string?>("--gate") { Description = "The gate's rules (bench.gate.json). The default is built in." };
        var headEnv = new Option<string[]>("--head-env") { Description = "NAME=VALUE set for the head's launches only (e.g. BENCH_INJECT_DELAY=200us to prove the gate). Repeatable." };
        var normalize = new Option<bool>("--normalize")
        {
            Description = "--mode launches: adjust latencies for each launch's loopback echo probe before gating (on by default there: both builds run the ci profile, which measures it). --normalize false gates without it, e.g. against a base too old to have the probe.",
            DefaultValueFactory = _ => true,
        };
        var confirm = CliOptions.NonNegativeInt("--confirm", "--mode launches: when the gate finds a regression, run this many more pairs and gate again on all of them, so a fluke does not fail the build. The default is 4; 0 believes the first verdict. (Interleaved mode gates its blocks once.)");
        var transport = new Option<string?>("--transport") { Description = "Transports to measure, comma-separated (interleaved: the cases run; launches: passed to each launch's bench run). The default is all four; websocket,webhook halves the job." };
        var baseEnv = new Option<string[]>("--base-env") { Description = "NAME=VALUE set for the base's launches only. Repeatable." };
        var mode = new Option<string>("--mode")
        {
            Description = "interleaved (the default): both builds' targets run at once and this bench alternates short blocks of load between them, in random order within each pair, gating the pairs of blocks; launches: whole ci launches of each build one after another (for changes that need fresh processes: start-up, memory, the harness itself). See docs/ci.md.",
            DefaultValueFactory = _ => "interleaved",
        };
        var pairsOption = CliOptions.PositiveInt("--pairs", "Interleaved mode: pairs of blocks per case. The default is 20.");
        var blockOption = CliOptions.Duration("--block", "Interleaved mode: the length of one block of load. The default is 1s.");
        var seedOption = CliOptions.PositiveInt("--seed", "Interleaved mode: the seed of each pair's random order. The default is 1.");
        var command = new Command("ab", "Gate a head build against a base build on this machine, interleaving short blocks of load between their targets (or whole ci launches with --mode launches): exit 0, 1 regression, 3 inconclusive, 2 bad usage, 4 a launch or target failed.")
        {
            baseDir, headDir, baseTarget, headTarget, launches, output, gate, headEnv, baseEnv, normalize, confirm, transport, mode, pairsOption, blockOption, seedOption,
        };
        command.SetAction(async (parse, _) =>
        {
            var problems = new List<string>();
            var (gateFile, _, _) = Bench.Harness.Gate.GateRun.LoadInputs(parse.GetValue(gate), null, problems, parse.GetValue(normalize));
            var sides = AbSide.Resolve(parse.GetValue(baseDir), parse.GetValue(headDir), parse.GetValue(baseTarget), parse.GetValue(headTarget), problems);
            if (parse.GetValue(transport) is { } only)
            {
                if (sides[0].MeasuresTargetFile)
                {
                    problems.Add("--transport goes with --base and --head; with target files, the files say what is measured");
                }

                TransportOptions.Parse("--transport", CliOptions.SplitList([only]), problems);
                sides = [.. sides.Select(side => side with { Arguments = [.. side.Arguments, "--transport", only] })];
            }

            sides = [sides[0] with { Environment = Env(parse.GetValue(baseEnv), "--base-env", problems) },
                sides[1] with { Environment = Env(parse.GetValue(headEnv), "--head-env", problems) }];
            var interleaved = parse.GetValue(mode) switch
            {
                "interleaved" => true,
                "launches" => false,
                var other => Problem(problems, $"--mode: '{other}' is not interleaved or launches"),
            };
            if (interleaved && sides[0].MeasuresTargetFile)
            {
                problems.Add("--mode interleaved measures two builds' reference targets; with --base-target and --head-target use --mode launches");
            }

            if (!interleaved && (parse.GetValue(pairsOption) is not null || parse.GetValue(blockOption) is not null || parse.GetValue(seedOption) is not null))
            {
                problems.Add("--pairs, --block and --seed go with --mode interleaved");
            }

            if (interleaved && parse.GetValue(launches) is not null)
            {
                problems.Add("--launches goes with --mode launches; interleaved mode takes --pairs");
            }

            if (interleaved)
            {
                var pairCount = parse.GetValue(pairsOption) ?? 20;
                var fewestPairs = Enumerable.Range(1, 60).First(k => k >= gateFile.MinLaunches && WilcoxonSignedRank.SmallestP(k) < gateFile.Alpha);
                if (pairCount < fewestPairs)
                {
                    problems.Add($"--pairs: the gate needs at least {fewestPairs} pairs to reach p < {gateFile.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                }

                if (parse.GetValue(blockOption) is { } b && (b < TimeSpan.FromMilliseconds(200) || b > TimeSpan.FromSeconds(60)))
                {
                    problems.Add("--block: between 200ms and 60s");
                }

                if (problems.Count > 0)
                {
                    return Program.UsageError(problems);
                }

                var blockGate = parse.GetValue(gate) is null ? GateFile.Interleaved : gateFile with { Normalize = false };
                return await RunInterleavedAsync(blockGate, [.. sides.Select(b => (b.Label, new Dictionary<string, string>(b.Environment)))], parse.GetValue(transport),
                    pairCount, parse.GetValue(blockOption) ?? TimeSpan.FromSeconds(1), parse.GetValue(seedOption) ?? 1, parse.GetValue(output), cancellation()).ConfigureAwait(false);
            }

            var n = parse.GetValue(launches) ?? 6;
            var fewest = Enumerable.Range(1, 60).First(k => k >= gateFile.MinLaunches && WilcoxonSignedRank.SmallestP(k) < gateFile.Alpha);
            if (n < fewest)
            {
                problems.Add($"--launches: the gate needs at least {fewest} pairs to reach p < {gateFile.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }

            if (problems.Count > 0)
            {
                return Program.UsageError(problems);
            }

            var directory = parse.GetValue(output) ?? RunFolders.Unique("ab-" + EnvironmentProbe.RunId(TimeProvider.System.GetUtcNow()));
            var job = new LaunchAbJob(sides[0], sides[1], gateFile, directory);
            return await job.RunAsync(n, parse.GetValue(confirm) ?? 4, Console.Out, Console.Error.WriteLine, cancellation()).ConfigureAwait(false);
        });
        return command;
    }

    private static bool Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return false;
    }

    private static async Task<int> RunInterleavedAsync(
        GateFile gateFile, (string Folder, Dictionary<string, string> Env)[] builds, string? only, int pairs, TimeSpan block, int seed, string? output, CancellationToken ct)
    {
        var directory = output ?? RunFolders.Unique("ab-" + EnvironmentProbe.RunId(TimeProvider.System.GetUtcNow()));
        Directory.CreateDirectory(directory);
        var transports = only is null ? TransportCatalog.DefaultComparison : TransportCatalog.Named(CliOptions.SplitList([only]).ToArray());
        var (baseBuild, headBuild) = (Bench.Harness.Targets.TargetBuild.In(builds[0].Folder, builds[0].Env), Bench.Harness.Targets.TargetBuild.In(builds[1].Folder, builds[1].Env));
        var options = new Bench.Harness.Interleaved.InterleavedOptions(baseBuild, headBuild, builds[0].Folder, builds[1].Folder, transports)
        {
            Pairs = pairs,
            Block = block,
            Seed = seed,
        };
        var cases = Bench.Harness.Interleaved.InterleavedJob.Cases(transports).Count;
        Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"interleaved: {cases} cases × {pairs} pairs of {block.TotalSeconds:0.#} s blocks, base {builds[0].Folder} and head {builds[1].Folder} side by side")
            + string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (about {cases * ((pairs * 2 * (block.TotalSeconds + 0.1)) + 10) / 60:0.#} min)"));
        RunResults baseRun, headRun;
        try
        {
            (baseRun, headRun) = await Bench.Harness.Interleaved.InterleavedJob.RunAsync(options, Environment.CommandLine, Console.Out, TimeProvider.System, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        catch (Bench.Harness.Targets.TargetFailedException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.RunFailed;
        }

        foreach (var (name, run) in new[] { ("base", baseRun), ("head", headRun) })
        {
            Directory.CreateDirectory(Path.Combine(directory, name));
            ResultsJson.Write(run, Path.Combine(directory, name, "results.json"));
        }

        return Bench.Harness.Gate.GateRun.Judge(baseRun, "base " + builds[0].Folder, headRun, directory, gateFile, Console.Out, Console.Error.WriteLine);
    }

    private static Dictionary<string, string> Env(string[]? pairs, string option, List<string> problems)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                problems.Add($"{option}: '{pair}' is not NAME=VALUE");
                continue;
            }

            env[pair[..eq]] = pair[(eq + 1)..];
        }

        return env;
    }
}
