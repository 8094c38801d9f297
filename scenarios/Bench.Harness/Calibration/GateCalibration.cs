using System.Globalization;
using Bench.Reports.Gate;
using Bench.Reports.Model;

namespace Bench.Harness.Calibration;

/// <summary>
/// <c>bench calibrate</c>: measures the gate's quality on this machine from pools of launches. A pool is a
/// <c>results.json</c> of many launches (<c>bench run --profile ci --repeat N</c>) or the folder of a long
/// <c>bench ab</c> job (its base and head are the two pools). With one plain pool, each draw compares launches of it
/// against other launches of it (A/A: any regression is a false alarm); with two pools, launches of the first against
/// launches of the second — an A/A when both are the same build, the detection rate when the second was slowed down.
/// <c>--paired</c> draws pairs from a <c>bench ab</c> job instead, as many base-first as head-first, and gates them as
/// <c>bench ab</c> does. Draws are seeded, so the table is reproducible from the same pools.
/// </summary>
public static class GateCalibration
{
    public static int Run(CalibrateRequest request, TextWriter output)
    {
        var problems = new List<string>();
        var pool = request.Pool;
        var job = Bench.Harness.Gate.AbJobFolder.Read(pool);
        var isAb = job is not null;
        var (gateFile, poolA, _) = Bench.Harness.Gate.GateRun.LoadInputs(request.Gate, isAb ? null : pool, problems, request.Normalize);
        RunResults? poolB = null;
        if (job is { } both)
        {
            (poolA, poolB) = both;
            if (request.Against is not null)
            {
                problems.Add("--against: a bench ab folder already holds both pools");
            }
        }
        else if (request.Against is { } against)
        {
            (_, poolB, _) = Bench.Harness.Gate.GateRun.LoadInputs(null, against, problems);
        }

        // An interleaved bench ab job's blocks are gated by the rules for blocks, as bench ab gated them.
        if (request.Gate is null && poolA is not null && poolA.Results.All(r => r.Launches.Count > 0 && r.Launches.All(l =>
            l.P90Us is not null)))
        {
            gateFile = GateFile.Interleaved with { Normalize = gateFile.Normalize };
        }

        var isPaired = request.Paired;
        var isSame = request.SameBuild;
        if (isSame && !isAb)
        {
            problems.Add("--same-build: the pool must be a bench ab folder");
        }
        else if (isSame && !isPaired)
        {
            // One build: its launches are one pool, whichever side of the job ran them.
            poolA = Union(poolA!, poolB!);
            poolB = null;
        }

        var n = request.Launches ?? (isPaired ? 6 : 5);
        var drawn = n + (request.Confirm ?? 0);
        if (isPaired && (!isAb || poolA is null || poolB is null || !poolA.Results.Zip(poolB.Results).All(p =>
            GateComparer.Paired(p.First, p.Second))))
        {
            problems.Add("--paired: the pool must be a bench ab folder whose launches are paired");
        }
        else if (isPaired)
        {
            var baseFirst = poolA!.Results[0].Launches.Where((l, i) => l.Position < poolB!.Results[0].Launches[i].Position).Count();
            var headFirst = poolA.Results[0].Launches.Count - baseFirst;
            if (baseFirst < (drawn + 1) / 2 || headFirst < drawn / 2)
            {
                problems.Add($"--launches: {drawn} pairs need {(drawn + 1) / 2} base-first and {drawn / 2} head-first pairs; the pool " +
                    $"has {baseFirst} and {headFirst}");
            }
        }
        else
        {
            var needA = poolB is null ? 2 * drawn : drawn;
            if (poolA is not null && poolA.Results.Any(r => r.Launches.Count < needA))
            {
                problems.Add($"pool: every case needs at least {needA} launches (make it with bench run --profile ci --repeat N, or " +
                    $"bench ab --launches N)");
            }

            if (poolB is not null && poolB.Results.Any(r => r.Launches.Count < drawn))
            {
                problems.Add($"--against: every case needs at least {drawn} launches");
            }
        }

        UsageException.ThrowIfAny(problems);

        if (!isPaired)
        {
            // Compared as independent launches, even when a bench ab job made them.
            poolA = Unplaced(poolA!);
            poolB = poolB is null ? null : Unplaced(poolB);
        }

        var random = new Random(request.Seed ?? 1);
        var total = request.Draws ?? 20;
        var inBlocks = request.Blocks;
        if (inBlocks)
        {
            var perBlock = poolB is null ? 2 * n : n;
            total = Math.Min(total, Math.Min(poolA!.Results[0].Launches.Count,
                poolB?.Results[0].Launches.Count ?? int.MaxValue) / perBlock);
        }

        var extra = inBlocks ? 0 : request.Confirm ?? 0;
        var exits = new int[4];
        var confirmations = 0;
        var flagged = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var d = 0; d < total; d++)
        {
            var (before, after) = inBlocks ? Block(poolA!, poolB, n, d)
                : isPaired ? DrawPairs(random, poolA!, poolB!, n + extra, flip: isSame)
                : Draw(random, poolA!, poolB, n + extra);
            var report = GateComparer.Compare(First(before, n), First(after, n), gateFile);
            if (report.ExitCode == ExitCodes.Regression && extra > 0)
            {
                // As bench ab --confirm adds pairs, and bench run --baseline --confirm adds launches to the current run only.
                confirmations++;
                report = GateComparer.Compare(isPaired ? before : First(before, n), after, gateFile);
            }

            exits[report.ExitCode]++;
            foreach (var row in report.Rows.Where(r =>
                r.Verdict is Verdicts.Slower or Verdicts.Faster or Verdicts.Broken or Verdicts.Inconclusive))
            {
                var key = $"{row.Case} {row.Metric} {row.Verdict}";
                flagged[key] = flagged.GetValueOrDefault(key) + 1;
            }
        }

        var o = output;
        var inv = CultureInfo.InvariantCulture;
        var reGated = extra > 0
            ? $"; {confirmations} regressions re-gated with {extra} more {(isPaired ? "pairs" : "current launches")}"
            : "";
        o.WriteLine(string.Create(inv,
            $"{(poolB is null ? "one pool (A/A)" : "two pools")}, {(isPaired ? $"{n} pairs" : $"{n} launches against {n}")}: {total} " +
            $"{(inBlocks ? "consecutive blocks" : "random draws")}: exit 0 × {exits[0]}, exit 1 (regression) × {exits[1]}, " +
            $"exit 3 (inconclusive) × {exits[3]}{reGated}"));
        foreach (var (key, count) in flagged.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            o.WriteLine(string.Create(inv, $"  {key}: {count} of {total}"));
        }

        if (poolB is not null)
        {
            o.WriteLine("The pools' p50 and target CPU per event (medians over all their launches):");
            foreach (var r in poolA!.Results)
            {
                var other = poolB.Results.FirstOrDefault(x => GateComparer.CaseKey(x) == GateComparer.CaseKey(r));
                if (other is not null)
                {
                    var a = GateComparer.Median([.. r.Launches.Select(l => (double)l.P50Us)]);
                    var b = GateComparer.Median([.. other.Launches.Select(l => (double)l.P50Us)]);
                    var cpuA = GateComparer.Median([.. GateComparer.Values(r, "target.cpuUsPerEvent")]);
                    var cpuB = GateComparer.Median([.. GateComparer.Values(other, "target.cpuUsPerEvent")]);
                    o.WriteLine(string.Create(inv, $"  {GateComparer.CaseKey(r)}: {a / 1000:0.000} ms → {b / 1000:0.000} ms " +
                        $"({b / a - 1:+0%;-0%}); target CPU per event {cpuA:0.0} µs → {cpuB:0.0} µs ({cpuB / cpuA - 1:+0%;-0%})"));
                }
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// The exit codes of <paramref name="draws"/> paired draws of <paramref name="n"/> pairs each from an interleaved or
    /// paired <c>bench ab</c> job (as <c>bench calibrate POOL --paired</c>, with <c>--same-build</c> when
    /// <paramref name="sameBuild"/>), gated by <paramref name="gate"/>: how many draws exited 0, 1, 2 and 3. The same
    /// seed draws the same pairs whatever the gate, so rule sets are compared on the same draws.
    /// </summary>
    public static int[] PairedExits(RunResults poolA, RunResults poolB, GateFile gate, int n, int draws, int seed, bool sameBuild)
    {
        var random = new Random(seed);
        var exits = new int[4];
        for (var d = 0; d < draws; d++)
        {
            var (before, after) = DrawPairs(random, poolA, poolB, n, flip: sameBuild);
            exits[GateComparer.Compare(before, after, gate).ExitCode]++;
        }

        return exits;
    }

    /// <summary>The most pairs a paired draw can take from a job: as many base-first as head-first pairs, one more when odd.</summary>
    public static int MostPairs(RunResults poolA, RunResults poolB)
    {
        var launches = poolA.Results[0].Launches;
        var baseFirst = launches.Where((l, i) => l.Position < poolB.Results[0].Launches[i].Position).Count();
        var headFirst = launches.Count - baseFirst;
        return Enumerable.Range(0, launches.Count + 1).Last(k => baseFirst >= (k + 1) / 2 && headFirst >= k / 2);
    }

    /// <summary>Independent launches: n of the first pool against n others, of the second pool when there is one.</summary>
    private static (RunResults Before, RunResults After) Draw(Random random, RunResults poolA, RunResults? poolB, int n)
    {
        var picksA = Pick(random, Enumerable.Range(0, poolA.Results[0].Launches.Count), poolB is null ? 2 * n : n);
        var before = Subset(poolA, picksA.Take(n).ToList());
        var after = poolB is null
            ? Subset(poolA, picksA.Skip(n).ToList())
            : Subset(poolB, Pick(random, Enumerable.Range(0, poolB.Results[0].Launches.Count), n));
        return (before, after);
    }

    /// <summary>
    /// Block <paramref name="k"/> in the order the launches ran: with one pool, 2n launches, the first n against the
    /// next n; with two, launches kn … kn+n−1 of each (pairs, when the pools are a bench ab job).
    /// </summary>
    private static (RunResults Before, RunResults After) Block(RunResults poolA, RunResults? poolB, int n, int k) => poolB is null
        ? (Subset(poolA, [.. Enumerable.Range(2 * k * n, n)]), Subset(poolA, [.. Enumerable.Range((2 * k * n) + n, n)]))
        : (Subset(poolA, [.. Enumerable.Range(k * n, n)]), Subset(poolB, [.. Enumerable.Range(k * n, n)]));

    /// <summary>
    /// Paired launches: ⌈n/2⌉ pairs where base ran first and ⌊n/2⌋ where head ran first, as a balanced ab job has.
    /// </summary>
    private static (RunResults Before, RunResults After) DrawPairs(Random random, RunResults poolA, RunResults poolB, int n, bool flip)
    {
        var count = poolA.Results[0].Launches.Count;
        bool BaseFirst(int i) => poolA.Results[0].Launches[i].Position < poolB.Results[0].Launches[i].Position;
        // Alternating base-first and head-first pairs, so that any leading part of the draw is balanced too.
        var baseFirst = Pick(random, Enumerable.Range(0, count).Where(BaseFirst), (n + 1) / 2);
        var headFirst = Pick(random, Enumerable.Range(0, count).Where(i => !BaseFirst(i)), n / 2);
        var picks = Enumerable.Range(0, n).Select(k => k % 2 == 0 ? baseFirst[k / 2] : headFirst[k / 2]).ToList();
        if (!flip)
        {
            return (Subset(poolA, picks), Subset(poolB, picks));
        }

        // A/A: either launch of a pair may stand for the baseline.
        var flips = picks.Select(_ => random.Next(2) == 1).ToList();
        RunResults Side(bool first) =>
            WithLaunches(poolA, (_, c) => picks.Select((i, k) => (flips[k] ^ first ? poolA : poolB).Results[c].Launches[i]));
        return (Side(true), Side(false));
    }

    /// <summary>The first <paramref name="n"/> launches of each case.</summary>
    private static RunResults First(RunResults run, int n) => WithLaunches(run, (r, _) => r.Launches.Take(n));

    private static RunResults Union(RunResults a, RunResults b) => WithLaunches(a, (r, c) => r.Launches.Concat(b.Results[c].Launches));

    private static RunResults Unplaced(RunResults pool) => WithLaunches(pool, (r, _) => r.Launches.Select(l => l with { Position = null }));

    private static RunResults Subset(RunResults pool, IReadOnlyList<int> picks) =>
        WithLaunches(pool, (r, _) => picks.Select(i => r.Launches[i]));

    /// <summary>The run with each case's launches replaced by <paramref name="launches"/>(case, case index).</summary>
    private static RunResults WithLaunches(RunResults run, Func<ScenarioResult, int, IEnumerable<LaunchFigures>> launches) => run with
    {
        Results = [.. run.Results.Select((r, c) => r with { Launches = [.. launches(r, c)] })],
    };

    private static List<int> Pick(Random random, IEnumerable<int> from, int count)
    {
        var all = from.ToArray();
        random.Shuffle(all);
        return [.. all.Take(count)];
    }
}
