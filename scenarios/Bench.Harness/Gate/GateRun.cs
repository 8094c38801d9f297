using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Gate;

/// <summary>
/// The regression gate's procedure: compare a run with its baseline, write <c>compare.md</c> and
/// <c>compare.junit.xml</c>, append the table to <c>$GITHUB_STEP_SUMMARY</c> when set, and decide the exit code: 0 (no
/// regression), 1 (a regression or a broken exact count), 3 (inconclusive) or 2 (the inputs cannot be compared).
/// </summary>
public static class GateRun
{
    /// <summary>Compares, writes the table and JUnit file, prints the verdict, and returns the gate's exit code.</summary>
    /// <remarks>Results that cannot be compared are said to <paramref name="error"/>, a line each, and give exit 2.</remarks>
    public static int Judge(
        RunResults baseline, string baselineName, RunResults current, string directory, GateFile gate,
        TextWriter output, Action<string> error)
    {
        var report = GateComparer.Compare(baseline, current, gate);
        if (report.Problems.Count > 0)
        {
            foreach (var p in report.Problems)
            {
                error($"error: cannot compare: {p}");
            }

            return ExitCodes.Usage;
        }

        Directory.CreateDirectory(directory);
        var markdown = GateOutput.Markdown(report, baselineName, current.RunId);
        File.WriteAllText(Path.Combine(directory, "compare.md"), markdown);
        File.WriteAllText(Path.Combine(directory, "compare.junit.xml"), GateOutput.JUnit(report));
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            File.AppendAllText(summary, markdown + "\n");
        }

        output.Write(markdown);
        output.WriteLine($"Gate: {report.Summary} (exit {report.ExitCode}); table in {Path.Combine(directory, "compare.md")}");
        return report.ExitCode;
    }

    /// <summary>Reads the gate file and a baseline, adding what is wrong with either to <paramref name="problems"/>.</summary>
    public static (GateFile Gate, RunResults? Baseline, string BaselineName) LoadInputs(string? gatePath, string? baselinePath,
        List<string> problems, bool normalize = false)
    {
        var gate = GateFile.Default with { };
        if (gatePath is not null)
        {
            try
            {
                gate = GateFile.Read(gatePath);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                problems.Add($"--gate: {e.Message}");
            }
        }

        if (normalize)
        {
            gate = gate with { Normalize = true };
        }

        RunResults? baseline = null;
        if (baselinePath is not null)
        {
            baseline = Load(baselinePath, "baseline", problems, out _);
        }

        return (gate, baseline, baselinePath ?? "");
    }

    public static RunResults? Load(string path, string what, List<string> problems, out string file)
    {
        file = Directory.Exists(path) ? Path.Combine(path, "results.json") : path;
        if (!File.Exists(file))
        {
            problems.Add($"{what}: {file} does not exist");
            return null;
        }

        try
        {
            var run = ResultsJson.Read(file);
            if (run.Results.Count == 0)
            {
                problems.Add($"{what}: {file} holds no results");
                return null;
            }

            return run;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{what}: {e.Message}");
            return null;
        }
    }
}
