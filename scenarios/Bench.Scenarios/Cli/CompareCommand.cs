using System.CommandLine;
using Bench.Reports.Gate;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench compare BASELINE CURRENT</c>: the regression gate. Writes <c>compare.md</c> and <c>compare.junit.xml</c>
/// beside the current results, appends the table to <c>$GITHUB_STEP_SUMMARY</c> when set, and exits 0 (no
/// regression), 1 (a regression or a broken exact count), 3 (inconclusive) or 2 (the inputs cannot be compared).
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("baseline") { Description = "The baseline: a results.json or a run folder." };
        var current = new Argument<string>("current") { Description = "The run to judge: a results.json or a run folder." };
        var gate = new Option<string?>("--gate") { Description = "The gate's rules (bench.gate.json). The default is built in; see docs/ci.md." };
        var output = new Option<string?>("--out") { Description = "Where compare.md and compare.junit.xml go. The default is the current run's folder." };
        var normalize = CliOptions.Normalize();
        var command = new Command("compare", "Gate a run against a baseline launch by launch: exit 0 no regression, 1 regression, 3 inconclusive, 2 bad input.")
        {
            baseline, current, gate, output, normalize,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var (gateFile, before, beforeName) = LoadInputs(parse.GetValue(gate), parse.GetValue(baseline), problems, parse.GetValue(normalize));
            var now = Load(parse.GetValue(current)!, "current", problems, out var nowPath);
            if (problems.Count > 0)
            {
                return Program.UsageError(problems);
            }

            return Gate(before!, beforeName, now!, parse.GetValue(output) ?? Path.GetDirectoryName(Path.GetFullPath(nowPath))!, gateFile, Console.Out);
        });
        return command;
    }

    /// <summary>Compares, writes the table and JUnit file, prints the verdict, and returns the gate's exit code.</summary>
    public static int Gate(RunResults baseline, string baselineName, RunResults current, string directory, GateFile gate, TextWriter output)
    {
        var report = GateComparer.Compare(baseline, current, gate);
        if (report.Problems.Count > 0)
        {
            return Program.UsageError(report.Problems.Select(p => "cannot compare: " + p));
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
    public static (GateFile Gate, RunResults? Baseline, string BaselineName) LoadInputs(string? gatePath, string? baselinePath, List<string> problems, bool normalize = false)
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

    private static RunResults? Load(string path, string what, List<string> problems, out string file)
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
