using System.CommandLine;
using System.Diagnostics;
using Bench.Reports;
using Bench.Reports.Json;
using Bench.Reports.Model;
using Bench.Scenarios.Running;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench ab --base DIR --head DIR</c>: the pull-request gate. Runs the ci suite from two built copies of Bench
/// alternately — base, head, head, base, base, head, … — one launch at a time, so the machine's drift falls on both
/// alike, then gates head against base as <c>bench compare</c> does.
/// </summary>
internal static class AbCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var baseDir = new Option<string>("--base") { Description = "The base build: a folder holding its bench executable (e.g. artifacts/bench of main).", Required = true };
        var headDir = new Option<string>("--head") { Description = "The head build: a folder holding its bench executable.", Required = true };
        var launches = CliOptions.PositiveInt("--launches", "Launches of each build. The default is 5.");
        var output = new Option<string?>("--out") { Description = "Where the launches, both merged results and the gate's table go. The default is results/ab-<time>." };
        var gate = new Option<string?>("--gate") { Description = "The gate's rules (bench.gate.json). The default is built in." };
        var headEnv = new Option<string[]>("--head-env") { Description = "NAME=VALUE set for the head's launches only (e.g. BENCH_INJECT_DELAY=200us to prove the gate). Repeatable." };
        var baseEnv = new Option<string[]>("--base-env") { Description = "NAME=VALUE set for the base's launches only. Repeatable." };
        var command = new Command("ab", "Gate a head build against a base build with alternating ci launches on this machine: exit 0, 1 regression, 3 inconclusive, 2 bad usage, 4 a launch failed.")
        {
            baseDir, headDir, launches, output, gate, headEnv, baseEnv,
        };
        command.SetAction(async (parse, _) =>
        {
            var problems = new List<string>();
            var (gateFile, _, _) = CompareCommand.LoadInputs(parse.GetValue(gate), null, problems);
            var builds = new[] { ("base", parse.GetValue(baseDir)!, Env(parse.GetValue(baseEnv), "--base-env", problems)), ("head", parse.GetValue(headDir)!, Env(parse.GetValue(headEnv), "--head-env", problems)) };
            foreach (var (name, dir, _) in builds)
            {
                if (!File.Exists(Path.Combine(dir, "bench")))
                {
                    problems.Add($"--{name}: {Path.Combine(dir, "bench")} does not exist (build it first, e.g. dotnet build scenarios/Bench.Scenarios -c Release -o {dir})");
                }
            }

            var n = parse.GetValue(launches) ?? 5;
            if (n < gateFile.MinLaunches)
            {
                problems.Add($"--launches: the gate needs at least {gateFile.MinLaunches} launches of each build");
            }

            if (problems.Count > 0)
            {
                return Program.UsageError(problems);
            }

            var ct = cancellation();
            var directory = parse.GetValue(output) ?? RunFolders.Unique("ab-" + EnvironmentProbe.RunId(TimeProvider.System.GetUtcNow()));
            Directory.CreateDirectory(directory);
            var runs = new Dictionary<string, List<RunResults>> { ["base"] = [], ["head"] = [] };

            // ABBA order: a trend in the machine's speed over the job affects both builds the same.
            var order = Enumerable.Range(0, n).SelectMany(i => i % 2 == 0 ? new[] { 0, 1 } : [1, 0]).ToList();
            for (var k = 0; k < order.Count; k++)
            {
                var (name, dir, env) = builds[order[k]];
                var launchDir = Path.Combine(directory, $"{k + 1:00}-{name}");
                Console.Out.WriteLine($"launch {k + 1} of {order.Count}: {name} ({dir})");
                var code = await LaunchAsync(Path.Combine(dir, "bench"), launchDir, env, ct).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                {
                    return ExitCodes.Cancelled;
                }

                if (code != ExitCodes.Ok)
                {
                    await Console.Error.WriteLineAsync($"error: the {name} launch {k + 1} exited with {code}; its output is in {launchDir}").ConfigureAwait(false);
                    return ExitCodes.RunFailed;
                }

                runs[name].Add(ResultsJson.Read(Path.Combine(launchDir, "results.json")));
            }

            var merged = runs.ToDictionary(kv => kv.Key, kv => Merge(kv.Value));
            foreach (var (name, run) in merged)
            {
                Directory.CreateDirectory(Path.Combine(directory, name));
                ResultsJson.Write(run, Path.Combine(directory, name, "results.json"));
            }

            return CompareCommand.Gate(merged["base"], "base " + builds[0].Item2, merged["head"], directory, gateFile, Console.Out);
        });
        return command;
    }

    private static RunResults Merge(IReadOnlyList<RunResults> launches) => launches[0] with
    {
        Results = [.. launches[0].Results.Select((r, i) => LaunchMerge.Merge([.. launches.Select(l => l.Results[i])]))],
    };

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

    private static async Task<int> LaunchAsync(string bench, string directory, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        var info = new ProcessStartInfo(bench) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "--profile", "ci", "--repeat", "1", "--out", directory })
        {
            info.ArgumentList.Add(a);
        }

        // The launched bench decides its own socket settings, as when run by hand.
        Program.StartsAsLaunchedByHand(info);

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{bench} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "launch.log"), await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }
}
