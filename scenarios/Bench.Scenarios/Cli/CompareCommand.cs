using System.CommandLine;
using Bench.Harness.Gate;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench compare BASELINE CURRENT</c>: the regression gate (<see cref="GateRun"/>) on two result files.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("baseline") { Description = "The baseline: a results.json or a run folder." };
        var current = new Argument<string>("current") { Description = "The run to judge: a results.json or a run folder." };
        var gate = CliOptions.Text("--gate",
            "The gate's rules (bench.gate.json). The default is built in; see docs/ci.md.");
        var output = CliOptions.Text("--out",
            "Where compare.md and compare.junit.xml go. The default is the current run's folder.");
        var normalize = CliOptions.Normalize();
        var command = new Command("compare",
            "Gate a run against a baseline launch by launch: exit 0 no regression, 1 regression, 3 inconclusive, 2 bad input.")
        {
            baseline, current, gate, output, normalize,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var (gateFile, before, beforeName) = GateRun.LoadInputs(
                parse.GetValue(gate), parse.GetValue(baseline), problems, parse.GetValue(normalize));
            var now = GateRun.Load(parse.GetValue(current)!, "current", problems, out var nowPath);
            if (problems.Count > 0)
            {
                return Program.UsageError(problems);
            }

            var folder = parse.GetValue(output) ?? Path.GetDirectoryName(Path.GetFullPath(nowPath))!;
            return GateRun.Judge(before!, beforeName, now!, folder, gateFile, Console.Out, Console.Error.WriteLine);
        });
        return command;
    }
}
