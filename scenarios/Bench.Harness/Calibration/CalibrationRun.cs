using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Bench.Harness.Interleaved;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Calibration;

/// <summary>What <c>bench calibrate --run</c> was asked for (null: the default), as <see cref="CalibrationRun"/> reads it.</summary>
public sealed record CalibrateRunRequest
{
    /// <summary>Pairs of blocks per case in each job. The default is 50.</summary>
    public int? Pairs { get; init; }

    /// <summary>Pairs in each draw. The default is 20 (a default <c>bench ab</c> job), or all the jobs have.</summary>
    public int? PairsPerDraw { get; init; }

    public int? Draws { get; init; }

    public int? Seed { get; init; }

    public TimeSpan? Wait { get; init; }

    public TimeSpan? Burn { get; init; }

    public TimeSpan? Block { get; init; }

    public string? Transport { get; init; }

    public string? Out { get; init; }

    public string? WriteGate { get; init; }

    /// <summary>Write the built-in rules, with the calibration, even when no rule set met the goals.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Instead of running the jobs, gate the ones an earlier <c>--run</c> wrote to this folder (<c>aa</c>, <c>burn</c>,
    /// <c>wait</c>, each with <c>base</c> and <c>head/results.json</c> and the <c>job.json</c> that says how they ran).
    /// </summary>
    public string? From { get; init; }
}

/// <summary>How the jobs were run and the draws are made, and where the gate file goes (<see cref="CalibrationRun"/>).</summary>
/// <param name="Draws">Draws from each job.</param>
/// <param name="PairsPerDraw">Pairs in each draw (fewer when a job cannot give them balanced).</param>
/// <param name="Seed">The draws' seed (and the jobs').</param>
/// <param name="Pairs">Pairs of blocks per case in each job, as asked.</param>
/// <param name="Block">The length of a block.</param>
/// <param name="Cases">Cases in each job.</param>
/// <param name="GatePath">The gate file to write.</param>
/// <param name="Force">Write the built-in rules even when no rule set met the goals.</param>
public sealed record CalibrationSettings(
    int Draws, int PairsPerDraw, int Seed, int Pairs, TimeSpan Block, int Cases, string GatePath, bool Force);

/// <summary>
/// <c>bench calibrate --run</c>: calibrates the interleaved gate on this machine in one command. Runs three interleaved
/// <c>bench ab</c> jobs of this build against itself — A/A, the head burning CPU per event (<c>BENCH_INJECT_DELAY</c>)
/// and the head waiting per event without CPU (<c>BENCH_INJECT_WAIT</c>) — then gates the same seeded paired draws of
/// each job (as <c>bench calibrate POOL --paired</c>) by every rule set of <see cref="GateCandidates.Grid"/>, prints
/// their rates, chooses one (<see cref="GateCandidates.Choose"/>) and writes it as a gate file whose
/// <c>calibration</c> object (which the gate reader ignores) records the machine, the date, the pools and every rate.
/// </summary>
public static class CalibrationRun
{
    public static async Task<int> RunAsync(CalibrateRunRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var problems = new List<string>();
        var transports = TransportCatalog.DefaultComparison;
        if (request.Transport is { } only)
        {
            transports = TransportChoice.Parse("--transport", NameList.Split([only]), problems);
        }

        var pairs = request.Pairs ?? 50;
        var block = request.Block ?? TimeSpan.FromSeconds(1);
        if (block < TimeSpan.FromMilliseconds(200) || block > TimeSpan.FromSeconds(60))
        {
            problems.Add("--block: between 200ms and 60s");
        }

        var perDraw = request.PairsPerDraw ?? Math.Min(20, pairs);
        if (perDraw > pairs)
        {
            problems.Add($"--launches: a draw of {perDraw} pairs needs --pairs {perDraw} or more");
        }

        var (burn, wait) = (request.Burn ?? TimeSpan.FromMicroseconds(20), request.Wait ?? TimeSpan.FromMicroseconds(50));
        foreach (var (option, value) in new[] { ("--burn", burn), ("--wait", wait) })
        {
            if (value < TimeSpan.FromMicroseconds(1) || value > TimeSpan.FromMilliseconds(10))
            {
                problems.Add($"{option}: between 1us and 10ms (it is spent on every delivery, echo or answer)");
            }
        }

        var directory = request.Out ?? RunFolders.Unique("calibrate-" + EnvironmentProbe.RunId(TimeProvider.System.GetUtcNow()));
        var gatePath = request.WriteGate ?? Path.Combine(directory, "bench.gate.json");
        if (Directory.Exists(gatePath))
        {
            problems.Add($"--write-gate: {gatePath} is a folder");
        }

        if (request.From is { } from)
        {
            problems.AddRange(new (string Name, bool Given)[]
            {
                ("--pairs", request.Pairs is not null), ("--wait", request.Wait is not null), ("--burn", request.Burn is not null),
                ("--block", request.Block is not null), ("--transport", request.Transport is not null), ("--out", request.Out is not null),
            }.Where(o => o.Given).Select(o => $"{o.Name}: not with --from (the jobs in {from} ran as they ran)"));
            if (!Directory.Exists(from))
            {
                problems.Add($"--from: {from} is not a folder");
            }
        }

        UsageException.ThrowIfAny(problems);

        var draws = request.Draws ?? 100;
        var seed = request.Seed ?? 1;
        if (request.From is not null)
        {
            return await RejudgeAsync(request, draws, seed, output, error, ct).ConfigureAwait(false);
        }

        var jobs = new (string Name, string What, string? Variable, TimeSpan Value)[]
        {
            ("aa", "A/A: this build on both sides", null, default),
            ("burn", "burn: the head's targets burn CPU per event", TargetProcess.InjectDelayVariable, burn),
            ("wait", "wait: the head's targets wait per event without CPU", TargetProcess.InjectWaitVariable, wait),
        };
        var cases = InterleavedJob.Cases(transports).Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibrate: 3 interleaved jobs of {cases} cases × {pairs} pairs of {block.TotalSeconds:0.###} s blocks " +
            $"(about {3 * cases * ((pairs * 2 * (block.TotalSeconds + 0.1)) + 10) / 60:0.#} min), then {draws} draws of " +
            $"{perDraw} pairs from each, gated by {GateCandidates.Grid().Count} rule sets; folder {directory}"));
        var pools = new List<(RunResults Base, RunResults Head, string? Env)>();
        Directory.CreateDirectory(directory);
        var (self, prefix) = ServeCommandLocator.Locate();
        for (var j = 0; j < jobs.Length; j++)
        {
            var (name, what, variable, value) = jobs[j];
            var env = variable is null ? null
                : string.Create(CultureInfo.InvariantCulture, $"{variable}={value.TotalMicroseconds:0.###}us");
            output.WriteLine($"job {j + 1} of {jobs.Length}: {what}{(env is null ? "" : $" ({env})")}");
            var headEnv = new Dictionary<string, string>(StringComparer.Ordinal);
            if (variable is not null)
            {
                headEnv[variable] = env![(variable.Length + 1)..];
            }

            var options = new InterleavedOptions(new TargetBuild(self, prefix, new Dictionary<string, string>()),
                new TargetBuild(self, prefix, headEnv), "base", "head", transports)
            {
                Pairs = pairs,
                Block = block,
                Seed = seed,
            };
            RunResults baseRun, headRun;
            try
            {
                (baseRun, headRun) = await InterleavedJob.RunAsync(options, Environment.CommandLine, output, TimeProvider.System, ct)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }
            catch (TargetFailedException e)
            {
                await error.WriteLineAsync($"error: {name} job: {e.Message}").ConfigureAwait(false);
                return ExitCodes.RunFailed;
            }

            foreach (var (side, run) in new[] { ("base", baseRun), ("head", headRun) })
            {
                // A block that delivered nothing has no CPU per event, and no pair of it can be gated.
                if (run.Results.SelectMany(r => r.Launches.Where(l => !double.IsFinite(l.TargetCpuUsPerEvent))
                    .Select(l => $"{GateComparer.CaseKey(r)} block {l.Position}")).FirstOrDefault() is { } empty)
                {
                    await error.WriteLineAsync($"error: {name} job: the {side}'s {empty} delivered nothing").ConfigureAwait(false);
                    return ExitCodes.RunFailed;
                }

                Directory.CreateDirectory(Path.Combine(directory, name, side));
                ResultsJson.Write(run, Path.Combine(directory, name, side, "results.json"));
            }

            await File.WriteAllTextAsync(Path.Combine(directory, name, JobFile), new JsonObject
            {
                ["headEnv"] = env,
                ["pairs"] = pairs,
                ["blockSeconds"] = block.TotalSeconds,
                ["seed"] = seed,
            }.ToJsonString() + "\n", ct).ConfigureAwait(false);

            pools.Add((baseRun, headRun, env));
        }

        var settings = new CalibrationSettings(draws, perDraw, seed, pairs, block, cases, gatePath, request.Force);
        return await ConcludeAsync(pools, settings, output, ct).ConfigureAwait(false);
    }

    /// <summary>How each job of a <c>--run</c> folder ran: the head's injected variable, pairs, block length, seed.</summary>
    public const string JobFile = "job.json";

    private static readonly string[] JobNames = ["aa", "burn", "wait"];

    /// <summary><c>--from</c>: the jobs an earlier run wrote, gated again (by this build's grid of rule sets).</summary>
    private static async Task<int> RejudgeAsync(CalibrateRunRequest request, int draws, int seed, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        var from = request.From!;
        var pools = new List<(RunResults Base, RunResults Head, string? Env)>();
        var (pairs, block) = (int.MaxValue, TimeSpan.Zero);
        foreach (var name in JobNames)
        {
            var sides = new RunResults[2];
            string? env = null;
            var job = Path.Combine(from, name, JobFile);
            try
            {
                for (var k = 0; k < 2; k++)
                {
                    sides[k] = ResultsJson.Read(Path.Combine(from, name, k == 0 ? "base" : "head", "results.json"));
                }

                if (File.Exists(job) && new FileInfo(job).Length < 4096
                    && JsonNode.Parse(await File.ReadAllTextAsync(job, ct).ConfigureAwait(false)) is JsonObject o)
                {
                    env = o["headEnv"]?.GetValue<string>();
                    pairs = Math.Min(pairs, o["pairs"]?.GetValue<int>() ?? int.MaxValue);
                    block = TimeSpan.FromSeconds(Math.Clamp(o["blockSeconds"]?.GetValue<double>() ?? 0, 0, 60));
                }
            }
            catch (InvalidDataException e)
            {
                await error.WriteLineAsync($"error: --from: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException
                or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: --from: {job} is not a job record: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            // The draws pair block i of a case with block i of the same case on the other side.
            if (!sides[0].Results.Select(r => (GateComparer.CaseKey(r), r.Launches.Count))
                .SequenceEqual(sides[1].Results.Select(r => (GateComparer.CaseKey(r), r.Launches.Count)))
                || sides[0].Results.Count == 0 || sides[0].Results.Any(r => r.Launches.Count < 2))
            {
                await error.WriteLineAsync($"error: --from: {Path.Combine(from, name)}: base and head do not hold the same cases, " +
                    "each with the same blocks (two or more)").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            pools.Add((sides[0], sides[1], env));
        }

        pairs = pairs == int.MaxValue ? pools.Min(p => p.Base.Results.Min(r => r.Launches.Count)) : pairs;
        output.WriteLine($"calibrate: the jobs in {from}, gated again: {draws} draws of each by {GateCandidates.Grid().Count} rule sets");
        var perDraw = request.PairsPerDraw ?? Math.Min(20, pairs);
        var settings = new CalibrationSettings(draws, perDraw, seed, pairs, block, pools[0].Base.Results.Count,
            request.WriteGate ?? Path.Combine(from, "bench.gate.json"), request.Force);
        return await ConcludeAsync(pools, settings, output, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The second half of <see cref="RunAsync"/>, from the three jobs' pools (A/A, burn, wait, in that order): gates the
    /// same draws of each by every rule set, prints the table, chooses and writes the gate file (exit 0), or says that
    /// none met the goals (exit 3, the file written only with <see cref="CalibrationSettings.Force"/>).
    /// </summary>
    public static async Task<int> ConcludeAsync(IReadOnlyList<(RunResults Base, RunResults Head, string? Env)> pools,
        CalibrationSettings settings, TextWriter output, CancellationToken ct)
    {
        var (draws, perDraw, seed, pairs, block, cases, gatePath, force) = settings;
        perDraw = pools.Min(p => Math.Min(perDraw, GateCalibration.MostPairs(p.Base, p.Head)));
        var moves = pools.Select((p, k) => (JobNames[k], CaseMove.Of(p.Base, p.Head))).ToList();
        CaseMove.WriteTable(moves, output);
        var grid = GateCandidates.Grid();

        // Each rule set gates the same seeded draws of each pool; they share nothing, so they run on every core.
        output.WriteLine($"gating {grid.Count} rule sets × {pools.Count} pools × {draws} draws on {Environment.ProcessorCount} cores");
        var exits = new int[grid.Count, pools.Count][];
        var done = 0;
        Parallel.For(0, grid.Count * pools.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var (k, pool) = (i / pools.Count, i % pools.Count);
            var p = pools[pool];
            exits[k, pool] = GateCalibration.PairedExits(p.Base, p.Head, grid[k].ToGateFile(), perDraw, draws, seed, pool == 0);
            var finished = Interlocked.Increment(ref done);
            if (finished % pools.Count == 0)
            {
                lock (output)
                {
                    output.WriteLine($"  gated {finished} of {grid.Count * pools.Count} (rule set, pool) pairs");
                }
            }
        });
        var rates = Enumerable.Range(0, grid.Count)
            .Select(k => new CandidateRates(grid[k], draws, exits[k, 0], exits[k, 1], exits[k, 2])).ToList();

        var (chosen, reason) = GateCandidates.Choose(rates);
        WriteTable(rates, chosen, output);
        output.WriteLine(chosen is null ? $"None chosen: {reason}." : $"Chosen: {reason}.");
        if (chosen is null && !force)
        {
            output.WriteLine("No gate file written (--force writes the built-in rules with these rates).");
            return ExitCodes.Inconclusive;
        }

        var written = chosen ?? rates.First(r => r.Candidate.IsBuiltIn);
        var file = written.Candidate.ToGateFile().ToJson();
        var json = JsonNode.Parse(file)!.AsObject();
        json["calibration"] = Record(rates, chosen, reason, pools, pairs, block, perDraw, seed, cases);
        json["calibration"]!["moved"] =
            new JsonObject(moves.Select(m => KeyValuePair.Create(m.Item1, (JsonNode?)CaseMove.ToJson(m.Item2))));
        var folder = Path.GetDirectoryName(Path.GetFullPath(gatePath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var text = json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        await File.WriteAllTextAsync(gatePath, text, ct).ConfigureAwait(false);
        output.WriteLine($"Wrote {gatePath} ({written.Candidate.Name}{(chosen is null ? ", forced: it did not meet the goals" : "")}); " +
            $"use it with bench ab --gate {gatePath}");
        return chosen is null ? ExitCodes.Inconclusive : ExitCodes.Ok;
    }

    /// <summary>The candidates' table: draws that exited 1 and 3 for each pool, and whether the rule set met the goals.</summary>
    private static void WriteTable(IReadOnlyList<CandidateRates> rates, CandidateRates? chosen, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine($"Exits over {rates[0].Draws} draws per pool " +
            "(goals: A/A exit 1 = 0 and exit 3 under 5 %; then most waits, then burns, caught):");
        o.WriteLine("| rule set | A/A exit 1 | A/A exit 3 | burn exit 1 | burn exit 3 | wait exit 1 | wait exit 3 | goals |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rates)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Candidate.Name}{(r == chosen ? " (chosen)" : "")} | {r.AaExits[1]} | {r.AaExits[3]} | {r.BurnExits[1]} | " +
                $"{r.BurnExits[3]} | {r.WaitExits[1]} | {r.WaitExits[3]} | {(r.MeetsGoals ? "met" : "not met")} |"));
        }

        o.WriteLine();
    }

    private static JsonObject Record(IReadOnlyList<CandidateRates> rates, CandidateRates? chosen, string reason,
        IReadOnlyList<(RunResults Base, RunResults Head, string? Env)> pools, int pairs, TimeSpan block, int perDraw, int seed, int cases)
    {
        static JsonObject Exits(int[] exits) => new() { ["exit0"] = exits[0], ["exit1"] = exits[1], ["exit3"] = exits[3] };
        var poolsJson = new JsonObject();
        for (var p = 0; p < pools.Count; p++)
        {
            poolsJson[JobNames[p]] = new JsonObject
            {
                ["headEnv"] = pools[p].Env,
                ["cases"] = new JsonArray([.. pools[p].Base.Results.Select(r => (JsonNode)GateComparer.CaseKey(r))]),
                ["pairsPerCase"] = pools[p].Base.Results.Min(r => r.Launches.Count),
            };
        }

        return new JsonObject
        {
            ["note"] = "Written by bench calibrate --run; the gate reads only the rules above (see docs/ci.md).",
            ["date"] = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
            },
            ["jobs"] = new JsonObject
            {
                ["cases"] = cases,
                ["pairs"] = pairs,
                ["blockSeconds"] = block.TotalSeconds,
                ["seed"] = seed,
            },
            ["pools"] = poolsJson,
            ["draws"] = rates[0].Draws,
            ["pairsPerDraw"] = perDraw,
            ["goals"] = "A/A: no exit 1 and exit 3 in under 5 % of draws; then the most waits caught (exit 1), then burns; " +
                "ties go to the built-in rules",
            ["chosen"] = chosen?.Candidate.Name,
            ["reason"] = reason,
            ["candidates"] = new JsonArray([.. rates.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Candidate.Name,
                ["estimator"] = r.Candidate.Estimator,
                ["metrics"] = new JsonObject(r.Candidate.Metrics.Select(m => KeyValuePair.Create(m.Name, (JsonNode?)m.Threshold))),
                ["aa"] = Exits(r.AaExits),
                ["burn"] = Exits(r.BurnExits),
                ["wait"] = Exits(r.WaitExits),
                ["meetsGoals"] = r.MeetsGoals,
            })]),
        };
    }
}
