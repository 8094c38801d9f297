using System.CommandLine;
using Bench.Harness.Running;
using Bench.Reports;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench reproduce --launches N [--neighbour] [run arguments]</c>: the same comparison launched N times, and how
/// often the launches agree — winners, contradictions, interval coverage (docs/method.md).
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create(Func<CancellationToken> token)
    {
        var launches = CliOptions.PositiveInt("--launches",
            "How many times to launch the comparison, each a bench run of its own. The default is 5.");
        var neighbour = CliOptions.Flag("--neighbour",
            "In each launch, keep one core busy for 20 s from a different, "
            + "seeded moment: a noisy neighbour, as on a CI runner or a laptop.");
        var seed = CliOptions.PositiveInt("--seed", "Seeds the neighbour's moments. The default is 1.");
        var output = CliOptions.Text("--out",
            "Where the launches' run folders and reproduce.md go. The default is results/reproduce-<time>.");
        var command = new Command("reproduce",
            "Launch the same comparison several times and tabulate how often the launches agree: the winner each named, contradictions "
            + "(A clearly better than B in one launch, B clearly better than A in another) and interval coverage. "
            + "Any other arguments are bench run's (scenarios and options), passed to every launch.")
        {
            launches, neighbour, seed, output,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, _) =>
        {
            var n = parse.GetValue(launches) ?? 5;
            if (n is < 2 or > 50)
            {
                return Program.UsageError(["--launches must be between 2 and 50 (agreement needs two launches at least)"]);
            }

            var runArguments = parse.UnmatchedTokens.ToList();
            if (runArguments.Any(a => a is "--out" || a.StartsWith("--out=", StringComparison.Ordinal)))
            {
                return Program.UsageError(["--out belongs to reproduce here: each launch's folder is made under it"]);
            }

            var directory = parse.GetValue(output) ?? RunFolders.Unique("reproduce-" + EnvironmentProbe.RunId(DateTimeOffset.UtcNow));
            var options = new ReproduceOptions(n, runArguments, directory)
            {
                Neighbour = parse.GetValue(neighbour),
                Seed = parse.GetValue(seed) ?? 1,
                Prepare = Bench.Harness.Targets.LaunchSettings.StartsAsLaunchedByHand,
            };
            var (code, table) = await ReproduceRun.RunAsync(options, Console.Out, token()).ConfigureAwait(false);
            if (table is not null)
            {
                await Console.Out.WriteLineAsync($"Table: {Path.GetFullPath(table)}").ConfigureAwait(false);
            }

            return code;
        });
        return command;
    }
}
