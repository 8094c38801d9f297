using System.CommandLine;
using System.Globalization;
using Bench.Reports.Gate;
using Bench.Reports.Model;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench calibrate</c>: measures the gate's quality on this machine from pools of launches made with
/// <c>bench run --profile ci --repeat N</c>. With one pool, each draw compares launches of it against other launches of
/// it (A/A: any regression is a false alarm); with a second pool (made with a slowdown), each draw compares launches
/// of the first against launches of the second (the detection rate). Draws are random without replacement within a
/// draw, seeded, so the table is reproducible from the same pools.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("pool") { Description = "A results.json (or run folder) of many launches of one build: the baseline pool." };
        var slower = new Option<string?>("--against") { Description = "A second pool (the same build with a slowdown): measure detection instead of false alarms." };
        var launches = CliOptions.PositiveInt("--launches", "Launches per side in each comparison. The default is 5.");
        var draws = CliOptions.PositiveInt("--draws", "Comparisons to make. The default is 20.");
        var seed = CliOptions.PositiveInt("--seed", "Random seed. The default is 1.");
        var gate = new Option<string?>("--gate") { Description = "The gate's rules. The default is built in." };
        var command = new Command("calibrate", "Measure the gate's false alarms (one pool of launches) or its detection rate (two pools) on this machine.")
        {
            baseline, slower, launches, draws, seed, gate,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var (gateFile, poolA, _) = CompareCommand.LoadInputs(parse.GetValue(gate), parse.GetValue(baseline), problems);
            RunResults? poolB = null;
            if (parse.GetValue(slower) is { } against)
            {
                (_, poolB, _) = CompareCommand.LoadInputs(null, against, problems);
            }

            var n = parse.GetValue(launches) ?? 5;
            var needA = poolB is null ? 2 * n : n;
            if (poolA is not null && poolA.Results.Any(r => r.Launches.Count < needA))
            {
                problems.Add($"pool: every case needs at least {needA} launches (make it with bench run --profile ci --repeat N)");
            }

            if (poolB is not null && poolB.Results.Any(r => r.Launches.Count < n))
            {
                problems.Add($"--against: every case needs at least {n} launches");
            }

            if (problems.Count > 0)
            {
                return Program.UsageError(problems);
            }

            var random = new Random(parse.GetValue(seed) ?? 1);
            var total = parse.GetValue(draws) ?? 20;
            var exits = new int[4];
            var flagged = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var d = 0; d < total; d++)
            {
                var picksA = Pick(random, poolA!.Results[0].Launches.Count, needA);
                var before = Subset(poolA, picksA.Take(n).ToList());
                var after = poolB is null ? Subset(poolA, picksA.Skip(n).ToList()) : Subset(poolB, Pick(random, poolB.Results[0].Launches.Count, n));
                var report = GateComparer.Compare(before, after, gateFile);
                exits[report.ExitCode]++;
                foreach (var row in report.Rows.Where(r => r.Verdict is Verdicts.Slower or Verdicts.Broken or Verdicts.Inconclusive))
                {
                    var key = $"{row.Case} {row.Metric} {row.Verdict}";
                    flagged[key] = flagged.GetValueOrDefault(key) + 1;
                }
            }

            var o = Console.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(poolB is null ? "A/A" : "A/B")}: {total} comparisons of {n} launches against {n}: exit 0 × {exits[0]}, exit 1 (regression) × {exits[1]}, exit 3 (inconclusive) × {exits[3]}"));
            foreach (var (key, count) in flagged.OrderByDescending(kv => kv.Value))
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {key}: {count} of {total}"));
            }

            if (poolB is not null)
            {
                foreach (var r in poolA!.Results)
                {
                    var other = poolB.Results.FirstOrDefault(x => GateComparer.CaseKey(x) == GateComparer.CaseKey(r));
                    if (other is not null)
                    {
                        var a = GateComparer.Median([.. r.Launches.Select(l => (double)l.P50Us)]);
                        var b = GateComparer.Median([.. other.Launches.Select(l => (double)l.P50Us)]);
                        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {GateComparer.CaseKey(r)}: p50 median {a / 1000:0.000} ms → {b / 1000:0.000} ms ({b / a - 1:+0%;-0%})"));
                    }
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<int> Pick(Random random, int from, int count)
    {
        var all = Enumerable.Range(0, from).ToArray();
        random.Shuffle(all);
        return [.. all.Take(count)];
    }

    private static RunResults Subset(RunResults pool, IReadOnlyList<int> picks) => pool with
    {
        Results = [.. pool.Results.Select(r => r with { Launches = [.. picks.Select(i => r.Launches[i])] })],
    };
}
