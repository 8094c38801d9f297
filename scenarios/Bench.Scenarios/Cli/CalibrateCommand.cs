using System.CommandLine;
using Bench.Harness.Calibration;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench calibrate</c>: the gate's false alarms or detection rate from pools of launches (<see
/// cref="GateCalibration"/>).
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var baseline = new Argument<string>("pool")
        {
            Description = "A results.json (or run folder) of many launches of one "
                + "build, or a bench ab folder (its base and head are the two pools).",
        };
        var slower = new Option<string?>("--against")
        {
            Description = "A second pool (e.g. the same build with a slowdown): compare the first against it.",
        };
        var paired = new Option<bool>("--paired")
        {
            Description = "Draw pairs of launches from a bench ab folder and gate them as pairs, as bench ab does.",
        };
        var launches = CliOptions.PositiveInt("--launches",
            "Launches per side (pairs with --paired) in each comparison. The default is 5 (6 with --paired).");
        var draws = CliOptions.PositiveInt("--draws", "Comparisons to make. The default is 20.");
        var seed = CliOptions.PositiveInt("--seed", "Random seed. The default is 1.");
        var gate = new Option<string?>("--gate") { Description = "The gate's rules. The default is built in." };
        var normalize = CliOptions.Normalize();
        var sameBuild = new Option<bool>("--same-build")
        {
            Description = "The bench ab job ran one build on both sides (A/A): take each draw's two "
                + "sides from all its launches (with --paired, flip each pair's sides at random), so a "
                + "chance difference between the job's two halves is not counted again in every draw.",
        };
        var confirm = CliOptions.PositiveInt("--confirm",
            "When a draw gates as a regression, add this many more launches and take the verdict over all of them: pairs with "
                + "--paired (as bench ab --confirm), else launches of the current side only (as bench run --baseline --confirm).");
        var blocks = new Option<bool>("--blocks")
        {
            Description = "Instead of random draws, compare consecutive blocks of launches in the order they ran, "
                + "sharing no launch (as separate jobs would have run them); --draws is then the most blocks.",
        };
        var command = new Command("calibrate",
            "Measure the gate's false alarms (the same build on both sides) or its detection rate (a slowed second side) on this machine.")
        {
            baseline, slower, paired, launches, draws, seed, gate, blocks, normalize, sameBuild, confirm,
        };
        command.SetAction(parse => Program.Call(() => GateCalibration.Run(
            new CalibrateRequest(parse.GetValue(baseline)!)
            {
                Against = parse.GetValue(slower),
                Paired = parse.GetValue(paired),
                Launches = parse.GetValue(launches),
                Draws = parse.GetValue(draws),
                Seed = parse.GetValue(seed),
                Gate = parse.GetValue(gate),
                Normalize = parse.GetValue(normalize),
                SameBuild = parse.GetValue(sameBuild),
                Confirm = parse.GetValue(confirm),
                Blocks = parse.GetValue(blocks),
            },
            Console.Out)));
        return command;
    }
}
