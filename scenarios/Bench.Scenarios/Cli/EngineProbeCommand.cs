using System.CommandLine;
using Bench.Harness.Calibration;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench engine-probe</c>: the load engine's own ceiling on this machine (<see cref="EngineProbe"/>).</summary>
internal static class EngineProbeCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var seconds = CliOptions.Duration("--duration", "Time per measurement. The default is 2s.");
        var command = new Command("engine-probe",
            "Measure the load engine itself (no network): cost per iteration and the highest inject rate it keeps.") { seconds };
        command.SetAction((parse, _) =>
            EngineProbe.RunAsync(parse.GetValue(seconds) ?? TimeSpan.FromSeconds(2), Console.Out, cancellation()));
        return command;
    }
}
