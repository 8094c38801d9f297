using System.CommandLine;
using Bench.Harness.Calibration;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench generator-probe</c>: Bench's own generators at full speed (<see cref="GeneratorProbe"/>).</summary>
internal static class GeneratorProbeCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var connections = CliOptions.PositiveInt("--connections", "Connections, each with one request in flight. The default is 8.");
        var duration = CliOptions.Duration("--duration", "Time per measurement. The default is 10s.");
        var warmup = CliOptions.PositiveDuration("--warmup", "Warm-up before each measurement, not measured. The default is 2s.");
        var payload = CliOptions.PositiveInt("--payload", "Body bytes. The default is 256.");
        var hold = CliOptions.Flag("--hold",
            "Keep the receiver running after the probe and print its /sink URL, for wrk to measure against the same process.");
        var command = new Command("generator-probe",
            "Measure Bench's own HTTP and WebSocket generators at full speed (closed model) against targets on loopback.")
        {
            connections, duration, warmup, payload, hold,
        };
        command.SetAction((parse, _) => GeneratorProbe.RunAsync(
            parse.GetValue(connections) ?? 8,
            parse.GetValue(duration) ?? TimeSpan.FromSeconds(10),
            parse.GetValue(warmup) ?? TimeSpan.FromSeconds(2),
            parse.GetValue(payload) ?? 256,
            parse.GetValue(hold),
            Console.Out,
            cancellation()));
        return command;
    }
}
