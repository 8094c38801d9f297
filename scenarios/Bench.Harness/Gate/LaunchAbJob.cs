using System.Diagnostics;
using Bench.Harness.TargetFiles;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Gate;

/// <summary>
/// One side of an A/B job: a build's bench running the ci suite, or this bench running it against a target file.
/// </summary>
public sealed record AbSide(string Name, string Label, string FileName, IReadOnlyList<string> Prefix, IReadOnlyList<string> Arguments)
{
    /// <summary>NAME=VALUE set for this side's launches only.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the side measures a target file rather than a build's reference targets.</summary>
    public bool MeasuresTargetFile => Arguments.Contains("--target");

    /// <summary>
    /// The two sides of a job: two build folders (each holding its <c>bench</c>), or two target files measured by this
    /// bench; what is wrong with the options is added to <paramref name="problems"/>, naming the option.
    /// </summary>
    public static AbSide[] Resolve(string? baseDir, string? headDir, string? baseTarget, string? headTarget, List<string> problems)
    {
        if (baseTarget is not null || headTarget is not null)
        {
            if (baseTarget is null || headTarget is null || baseDir is not null || headDir is not null)
            {
                problems.Add("--base-target and --head-target go together, instead of --base and --head");
                return [new("base", "", "", [], []), new("head", "", "", [], [])];
            }

            var (self, prefix) = ServeCommandLocator.Locate();
            foreach (var (option, file) in new[] { ("--base-target", baseTarget), ("--head-target", headTarget) })
            {
                try
                {
                    TargetFile.Load(file);
                }
                catch (TargetFileException e)
                {
                    problems.Add($"{option}: {e.Message}");
                }
            }

            return [new("base", baseTarget, self, prefix, ["--target", Path.GetFullPath(baseTarget)]),
                new("head", headTarget, self, prefix, ["--target", Path.GetFullPath(headTarget)])];
        }

        if (baseDir is null || headDir is null)
        {
            problems.Add("--base and --head: two build folders to compare (or --base-target and --head-target: two target files)");
            return [new("base", "", "", [], []), new("head", "", "", [], [])];
        }

        foreach (var (name, dir) in new[] { ("base", baseDir), ("head", headDir) })
        {
            if (!File.Exists(Path.Combine(dir, "bench")))
            {
                problems.Add($"--{name}: {Path.Combine(dir, "bench")} does not exist "
                    + $"(build it first, e.g. dotnet build scenarios/Bench.Scenarios -c Release -o {dir})");
            }
        }

        return [new("base", baseDir, Path.Combine(baseDir, "bench"), [], []), new("head", headDir, Path.Combine(headDir, "bench"), [], [])];
    }
}

/// <summary>
/// The A/B gate by whole launches: the ci suite from both sides alternately — base, head, head, base, … — one launch at
/// a time, so the machine's drift falls on both alike; launch i of base and launch i of head ran back to back, so the
/// gate compares them as pairs (positions kept in <c>launches[].position</c>). A regression is confirmed with more
/// pairs before it is believed.
/// </summary>
public sealed class LaunchAbJob(AbSide baseSide, AbSide headSide, GateFile gate, string directory)
{
    private readonly Dictionary<string, List<RunResults>> runs = new() { ["base"] = [], ["head"] = [] };
    private readonly Dictionary<string, List<int>> positions = new() { ["base"] = [], ["head"] = [] };
    private int pairs;

    /// <summary>
    /// Runs <paramref name="pairCount"/> pairs, gates them, and confirms a regression with <paramref name="confirm"/> more.
    /// </summary>
    public async Task<int> RunAsync(int pairCount, int confirm, TextWriter output, Action<string> error, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var measured = await RunPairsAsync(pairCount, output, error, ct).ConfigureAwait(false);
        if (measured != ExitCodes.Ok)
        {
            return measured;
        }

        var gated = Judge(output, error);
        if (gated != ExitCodes.Regression || confirm == 0)
        {
            return gated;
        }

        // A launch-to-launch fluke can look like a regression; a real one holds when more pairs are added.
        output.WriteLine($"The gate found a regression: confirming it with {confirm} more pairs (--confirm).");
        measured = await RunPairsAsync(confirm, output, error, ct).ConfigureAwait(false);
        return measured != ExitCodes.Ok ? measured : Judge(output, error);
    }

    private async Task<int> RunPairsAsync(int count, TextWriter output, Action<string> error, CancellationToken ct)
    {
        var last = pairs + count;
        for (; pairs < last; pairs++)
        {
            // ABBA order: a trend in the machine's speed over the job affects both builds the same.
            foreach (var side in pairs % 2 == 0 ? new[] { baseSide, headSide } : [headSide, baseSide])
            {
                var k = runs["base"].Count + runs["head"].Count + 1;
                var launchDir = Path.Combine(directory, $"{k:00}-{side.Name}");
                output.WriteLine($"launch {k} of {2 * last}: {side.Name} ({side.Label})");
                var code = await LaunchAsync(side, launchDir, ct).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                {
                    return ExitCodes.Cancelled;
                }

                if (code != ExitCodes.Ok)
                {
                    error($"error: the {side.Name} launch {k} exited with {code}; its output is in {launchDir}");
                    return ExitCodes.RunFailed;
                }

                runs[side.Name].Add(SameNames(ResultsJson.Read(Path.Combine(launchDir, "results.json"))));
                positions[side.Name].Add(k);
            }
        }

        return ExitCodes.Ok;
    }

    private int Judge(TextWriter output, Action<string> error)
    {
        var merged = runs.ToDictionary(kv => kv.Key, kv => AbJobFolder.Merge(kv.Value, positions[kv.Key]));
        foreach (var (name, run) in merged)
        {
            Directory.CreateDirectory(Path.Combine(directory, name));
            ResultsJson.Write(run, Path.Combine(directory, name, "results.json"));
        }

        return GateRun.Judge(merged["base"], "base " + baseSide.Label, merged["head"], directory, gate, output, error);
    }

    /// <summary>Two target files may name their targets differently: the gate compares them as one "target".</summary>
    private static RunResults SameNames(RunResults run) =>
        run with
        {
            Results = [.. run.Results.Select(r =>
            r with { Transport = TransportCatalog.Find(r.Transport) is null ? "target" : r.Transport })]
        };

    private static async Task<int> LaunchAsync(AbSide side, string directory, CancellationToken ct)
    {
        var info = new ProcessStartInfo(side.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true
        };
        foreach (var a in side.Prefix.Concat(["run", "--profile", "ci", "--repeat", "1", "--out", directory]).Concat(side.Arguments))
        {
            info.ArgumentList.Add(a);
        }

        // The launched bench decides its own socket settings, as when run by hand.
        LaunchSettings.StartsAsLaunchedByHand(info);
        foreach (var (key, value) in side.Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{side.FileName} did not start");
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
        var log = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "launch.log"), log, CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }
}
