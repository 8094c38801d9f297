using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Transports;
using Bench.Reports;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Gate;

/// <summary>
/// <c>bench ab --base DIR --head DIR</c>: the pull-request gate. Runs the ci suite from two built copies of Bench
/// alternately — base, head, head, base, base, head, … — one launch at a time, so the machine's drift falls on both
/// alike. Launch i of base and launch i of head ran back to back, so the gate compares them as pairs (their positions
/// are kept in <c>launches[].position</c>, and <c>bench compare</c> of the two merged results pairs them again).
/// The table goes to <c>output</c>, failures to <c>error</c>; bad usage is a <see cref="UsageException"/>.
/// </summary>
public static class AbGate
{
    public static async Task<int> RunAsync(AbRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var problems = new List<string>();
        var (gateFile, _, _) = GateRun.LoadInputs(request.Gate, null, problems, request.Normalize);
        var sides = AbSide.Resolve(request.Base, request.Head, request.BaseTarget, request.HeadTarget, problems);
        if (request.Transport is { } only)
        {
            if (sides[0].MeasuresTargetFile)
            {
                problems.Add("--transport goes with --base and --head; with target files, the files say what is measured");
            }

            TransportChoice.Parse("--transport", NameList.Split([only]), problems);
            sides = [.. sides.Select(side => side with { Arguments = [.. side.Arguments, "--transport", only] })];
        }

        sides = [sides[0] with { Environment = Env(request.BaseEnv, "--base-env", problems) },
            sides[1] with { Environment = Env(request.HeadEnv, "--head-env", problems) }];
        var interleaved = request.Mode switch
        {
            "interleaved" => true,
            "launches" => false,
            var other => Problem(problems, $"--mode: '{other}' is not interleaved or launches"),
        };
        if (interleaved && sides[0].MeasuresTargetFile)
        {
            problems.Add("--mode interleaved measures two builds' reference targets; with --base-target and " +
                "--head-target use --mode launches");
        }

        if (!interleaved && (request.Pairs is not null || request.Block is not null || request.Seed is not null))
        {
            problems.Add("--pairs, --block and --seed go with --mode interleaved");
        }

        if (interleaved && request.Launches is not null)
        {
            problems.Add("--launches goes with --mode launches; interleaved mode takes --pairs");
        }

        if (interleaved)
        {
            var pairCount = request.Pairs ?? 20;
            var fewestPairs = Enumerable.Range(1, 60).First(k => k >= gateFile.MinLaunches
                && WilcoxonSignedRank.SmallestP(k) < gateFile.Alpha);
            if (pairCount < fewestPairs)
            {
                problems.Add($"--pairs: the gate needs at least {fewestPairs} pairs to reach p < " +
                    $"{gateFile.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }

            if (request.Block is { } b && (b < TimeSpan.FromMilliseconds(200) || b > TimeSpan.FromSeconds(60)))
            {
                problems.Add("--block: between 200ms and 60s");
            }

            UsageException.ThrowIfAny(problems);

            var blockGate = request.Gate is null ? GateFile.Interleaved : gateFile with { Normalize = false };
            return await RunInterleavedAsync(blockGate, [.. sides.Select(b => (b.Label, new Dictionary<string, string>(b.Environment)))],
                request.Transport, pairCount, request.Block ?? TimeSpan.FromSeconds(1), request.Seed ?? 1, request.Out, output, error, ct)
                .ConfigureAwait(false);
        }

        var n = request.Launches ?? 6;
        var fewest = Enumerable.Range(1, 60).First(k => k >= gateFile.MinLaunches && WilcoxonSignedRank.SmallestP(k) < gateFile.Alpha);
        if (n < fewest)
        {
            problems.Add($"--launches: the gate needs at least {fewest} pairs to reach p < " +
                $"{gateFile.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        UsageException.ThrowIfAny(problems);

        var directory = request.Out ?? RunFolders.Unique("ab-" + EnvironmentProbe.RunId(TimeProvider.System.GetUtcNow()));
        var job = new LaunchAbJob(sides[0], sides[1], gateFile, directory);
        return await job.RunAsync(n, request.Confirm ?? 4, output, error.WriteLine, ct).ConfigureAwait(false);
    }

    private static bool Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return false;
    }

    private static async Task<int> RunInterleavedAsync(
        GateFile gateFile, (string Folder, Dictionary<string, string> Env)[] builds, string? only, int pairs, TimeSpan block, int seed,
        string? folder, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var directory = folder ?? RunFolders.Unique("ab-" + EnvironmentProbe.RunId(TimeProvider.System.GetUtcNow()));
        Directory.CreateDirectory(directory);
        var transports = only is null ? TransportCatalog.DefaultComparison : TransportCatalog.Named(NameList.Split([only]).ToArray());
        var (baseBuild, headBuild) = (Bench.Harness.Targets.TargetBuild.In(builds[0].Folder, builds[0].Env),
            Bench.Harness.Targets.TargetBuild.In(builds[1].Folder, builds[1].Env));
        var options = new Bench.Harness.Interleaved.InterleavedOptions(baseBuild, headBuild, builds[0].Folder, builds[1].Folder, transports)
        {
            Pairs = pairs,
            Block = block,
            Seed = seed,
        };
        var cases = Bench.Harness.Interleaved.InterleavedJob.Cases(transports).Count;
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"interleaved: {cases} cases × {pairs} pairs of {block.TotalSeconds:0.#} s blocks, base {builds[0].Folder} and head " +
            $"{builds[1].Folder} side by side")
            + string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $" (about {cases * ((pairs * 2 * (block.TotalSeconds + 0.1)) + 10) / 60:0.#} min)"));
        RunResults baseRun, headRun;
        try
        {
            (baseRun, headRun) = await Bench.Harness.Interleaved.InterleavedJob.RunAsync(options, Environment.CommandLine, output,
                TimeProvider.System, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        catch (Bench.Harness.Targets.TargetFailedException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.RunFailed;
        }

        foreach (var (name, run) in new[] { ("base", baseRun), ("head", headRun) })
        {
            Directory.CreateDirectory(Path.Combine(directory, name));
            ResultsJson.Write(run, Path.Combine(directory, name, "results.json"));
        }

        return GateRun.Judge(baseRun, "base " + builds[0].Folder, headRun, directory, gateFile, output, error.WriteLine);
    }

    private static Dictionary<string, string> Env(IReadOnlyList<string>? pairs, string option, List<string> problems)
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
