using System.Globalization;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Reports.Metrics;

namespace Bench.Harness.Calibration;

/// <summary>
/// <c>bench engine-probe</c>: the load engine's own ceiling on this machine, with no network and no target: the cost of
/// one iteration (schedule + record) in a closed loop, and how far an open-model inject rate holds its schedule; the
/// table goes to <c>output</c>.
/// </summary>
public static class EngineProbe
{
    /// <summary>Probes for <paramref name="during"/> per measurement.</summary>
    public static async Task<int> RunAsync(TimeSpan during, TextWriter output, CancellationToken ct)
    {
        var o = output;
        var clock = TimeProvider.System;

        var closed = NewRecorder(clock, during);
        var result = await new LoadRunner(new LoadRunnerOptions { Simulations = [Simulation.KeepConstant(1, during)] })
            .RunAsync((_, _) => ValueTask.CompletedTask, closed, ct).ConfigureAwait(false);
        var nsPerIteration = during.TotalSeconds * 1e9 / Math.Max(1, result.Succeeded);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"closed loop, 1 virtual user, empty iteration: {result.Succeeded / during.TotalSeconds:N0} iterations/s = " +
            $"{nsPerIteration:N0} ns per iteration (schedule + record)"));
        o.WriteLine();
        o.WriteLine("open model, empty iteration, 8 virtual users:");
        o.WriteLine("| offered/s | achieved/s | schedule lag p50 | schedule lag p99 | dropped |");
        o.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var rate in new[] { 1_000, 10_000, 100_000, 200_000, 400_000, 800_000, 1_600_000 })
        {
            var recorder = NewRecorder(clock, during);
            var open = await new LoadRunner(new LoadRunnerOptions { Simulations = [Simulation.Inject(rate, during)], VirtualUsers = 8 })
                .RunAsync((_, _) => ValueTask.CompletedTask, recorder, ct).ConfigureAwait(false);
            var wall = clock.GetElapsedTime(recorder.RunStart).TotalSeconds;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rate:N0} | {open.Succeeded / Math.Max(wall, during.TotalSeconds):N0} | " +
                $"{Formats.Milliseconds(open.ScheduleLagUs.GetValueAtPercentile(50))} | " +
                $"{Formats.Milliseconds(open.ScheduleLagUs.GetValueAtPercentile(99))} | {open.Dropped:N0} |"));
        }

        return ExitCodes.Ok;
    }

    private static RunRecorder NewRecorder(TimeProvider clock, TimeSpan during) =>
        new(clock, clock.GetTimestamp(), TimeSpan.Zero, (int)during.TotalSeconds + 30);
}
