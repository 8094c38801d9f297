using System.Globalization;
using System.Text.Json.Nodes;
using Bench.Reports.Gate;
using Bench.Reports.Model;

namespace Bench.Harness.Calibration;

/// <summary>
/// What one calibration job moved in one case: the median, over its pairs of blocks, of head ÷ base for p50, p90 and
/// target CPU per event. For the A/A job it is the noise; for the burn and wait jobs, what the injection did.
/// </summary>
public sealed record CaseMove(string Case, int Pairs, double P50, double P90, double CpuPerEvent)
{
    /// <summary>Each case of a job's base and head, paired block by block as the job ran them.</summary>
    public static IReadOnlyList<CaseMove> Of(RunResults baseRun, RunResults headRun)
    {
        var moves = new List<CaseMove>();
        foreach (var b in baseRun.Results)
        {
            var key = GateComparer.CaseKey(b);
            var h = headRun.Results.FirstOrDefault(r => GateComparer.CaseKey(r) == key);
            if (h is null)
            {
                continue;
            }

            var n = Math.Min(b.Launches.Count, h.Launches.Count);
            double Median(Func<LaunchFigures, double?> value) => GateComparer.Median([.. Enumerable.Range(0, n)
                .Select(i => (value(h.Launches[i]), value(b.Launches[i])))
                .Where(p => p.Item1 is > 0 && p.Item2 is > 0 && double.IsFinite(p.Item1.Value) && double.IsFinite(p.Item2.Value))
                .Select(p => p.Item1!.Value / p.Item2!.Value)
                .DefaultIfEmpty(double.NaN)]);
            moves.Add(new CaseMove(key, n, Median(l => l.P50Us), Median(l => l.P90Us), Median(l => l.TargetCpuUsPerEvent)));
        }

        return moves;
    }

    /// <summary>The table <c>bench calibrate --run</c> prints: one row per case, one column group per job.</summary>
    public static void WriteTable(IReadOnlyList<(string Job, IReadOnlyList<CaseMove> Moves)> jobs, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine("What each job moved, head ÷ base, the median over its pairs of blocks (p50, p90, target CPU per event):");
        o.WriteLine("| case | " + string.Join(" | ", jobs.Select(j => $"{j.Job} p50 | {j.Job} p90 | {j.Job} CPU")) + " |");
        o.WriteLine("|---|" + string.Concat(jobs.Select(_ => "---:|---:|---:|")));
        foreach (var key in jobs[0].Moves.Select(m => m.Case))
        {
            var cells = jobs.Select(j => j.Moves.FirstOrDefault(m => m.Case == key) is { } m
                ? $"{Ratio(m.P50)} | {Ratio(m.P90)} | {Ratio(m.CpuPerEvent)}"
                : "– | – | –");
            o.WriteLine($"| {key} | {string.Join(" | ", cells)} |");
        }

        o.WriteLine();
    }

    /// <summary>The same figures for the gate file's calibration record.</summary>
    public static JsonArray ToJson(IReadOnlyList<CaseMove> moves) => [.. moves.Select(m => (JsonNode)new JsonObject
    {
        ["case"] = m.Case,
        ["pairs"] = m.Pairs,
        ["p50"] = Round(m.P50),
        ["p90"] = Round(m.P90),
        ["cpuPerEvent"] = Round(m.CpuPerEvent),
    })];

    private static JsonNode? Round(double ratio) => double.IsFinite(ratio) ? Math.Round(ratio, 3) : null;

    private static string Ratio(double ratio) =>
        double.IsFinite(ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";
}
