using System.CommandLine;
using Bench.Harness.Gate;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench trend RESULTS...</c>: the gated metrics across stored runs (<see cref="TrendRuns"/>).</summary>
internal static class TrendCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("results")
        {
            Description = "results.json files, run folders or bench ab folders (their head side), in any order; at least one.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--out") { Description = "Where trend.md and trend.png go. The default is results/trend-<time>." };
        var gate = CliOptions.Text("--gate",
            "The gate file whose metrics to chart. The default: the built-in gate's, with latency.p90 where runs have it.");
        var command = new Command("trend",
            "Chart and tabulate the gated metrics across stored runs, oldest first, "
                + "labelled by commit, with what each run's gate flagged marked.")
        {
            inputs, output, gate,
        };
        command.SetAction(parse => Program.Call(() =>
            TrendRuns.Run(parse.GetValue(inputs) ?? [], parse.GetValue(output), parse.GetValue(gate), Console.Out)));
        return command;
    }
}
