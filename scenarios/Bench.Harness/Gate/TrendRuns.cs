using Bench.Harness.Running;
using Bench.Reports;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Reports.Model;
using Bench.Reports.Trend;

namespace Bench.Harness.Gate;

/// <summary>
/// <c>bench trend RESULTS...</c>: the gated metrics across stored runs — results.json files, run folders, or
/// <c>bench ab</c> folders (their head) — ordered by start time and labelled by commit, with what each run's gate
/// flagged marked (read from the <c>compare.junit.xml</c> beside it). Writes <c>trend.md</c> and <c>trend.png</c>, and one
/// line to <c>output</c>; bad usage is a <see cref="UsageException"/>.
/// </summary>
public static class TrendRuns
{
    /// <summary>
    /// Charts <paramref name="inputs"/> into <paramref name="folder"/> (null: results/trend-TIME), with the metrics of
    /// the gate file <paramref name="gate"/> (null: the built-in gates').
    /// </summary>
    public static int Run(IReadOnlyList<string> inputs, string? folder, string? gate, TextWriter output)
    {
        var problems = new List<string>();
        var (gateFile, _, _) = GateRun.LoadInputs(gate, null, problems);
        var runs = new List<TrendRun>();
        foreach (var input in inputs)
        {
            if (Read(input, problems) is { } run)
            {
                runs.Add(run);
            }
        }

        UsageException.ThrowIfAny(problems);

        var ordered = TrendReport.Ordered(runs);
        var metrics = gate is not null ? gateFile.Metrics : Metrics(ordered);
        var directory = folder ?? RunFolders.Unique("trend-" + EnvironmentProbe.RunId(TimeProvider.System.GetUtcNow()));
        Directory.CreateDirectory(directory);
        TrendReport.Chart(ordered, metrics, Path.Combine(directory, "trend.png"));
        File.WriteAllText(Path.Combine(directory, "trend.md"), TrendReport.Markdown(ordered, metrics, "trend.png"));
        output.WriteLine($"{ordered.Count} runs, {ordered[0].StartedAt:yyyy-MM-dd HH:mm} to {ordered[^1].StartedAt:yyyy-MM-dd HH:mm}: " +
            $"{Path.Combine(directory, "trend.md")} and trend.png");
        return ExitCodes.Ok;
    }

    /// <summary>The built-in gates' metrics that the runs carry, and p90 when a run has it (interleaved blocks keep it).</summary>
    private static List<GateMetric> Metrics(IReadOnlyList<TrendRun> runs)
    {
        var p90 = new GateMetric("latency.p90", "µs", "lower", 0.15);
        var metrics = GateFile.Default.Metrics.Concat(GateFile.Interleaved.Metrics).Append(p90).DistinctBy(m => m.Name).ToList();
        return [.. metrics.Where(m => runs.Any(r => TrendReport.Cases([r]).Any(c => TrendReport.Value(r, c, m.Name) is not null)))];
    }

    private static TrendRun? Read(string input, List<string> problems)
    {
        string file;
        string? gateDir;
        if (Directory.Exists(input))
        {
            // A run folder holds results.json (and compare.junit.xml when it was gated); a bench ab folder holds
            // head/results.json and the gate's files.
            var own = Path.Combine(input, "results.json");
            var head = Path.Combine(input, "head", "results.json");
            (file, gateDir) = File.Exists(own) ? (own, input) : File.Exists(head) ? (head, input) : (own, null);
        }
        else
        {
            file = input;
            gateDir = Path.GetDirectoryName(Path.GetFullPath(input));
        }

        if (!File.Exists(file))
        {
            problems.Add($"results: {input} is neither a results.json nor a folder holding one (or head/results.json)");
            return null;
        }

        RunResults run;
        try
        {
            run = ResultsJson.Read(file);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"results: {e.Message}");
            return null;
        }

        if (run.Results.Count == 0)
        {
            problems.Add($"results: {file} holds no results");
            return null;
        }

        IReadOnlySet<string>? flagged = null;
        var junit = gateDir is null ? null : Path.Combine(gateDir, "compare.junit.xml");
        if (junit is not null && File.Exists(junit))
        {
            try
            {
                flagged = TrendReport.FlaggedFromJUnit(BoundedFile.ReadAllText(junit, BoundedFile.MaxJUnitBytes));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"results: {e.Message}");
                return null;
            }
            catch (System.Xml.XmlException e)
            {
                problems.Add($"results: {junit} is not readable XML: {e.Message}");
                return null;
            }
        }

        var label = run.Environment.Commit is { Length: > 0 } commit ? commit : run.RunId;
        return new TrendRun(label, input, run, flagged);
    }
}
