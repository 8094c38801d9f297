using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Scenarios;
using Bench.Harness.Targets;
using Bench.Reports.Model;

namespace Bench.Harness.Running;

/// <summary>
/// Drives one scenario × transport: warm-up then measured open-model load at the settings' rate, live progress, the
/// target's and the generator's CPU over the measured window, an optional drain, and a stop if the target dies.
/// </summary>
public sealed class MeasuredLoad(ScenarioContext context, string scenario, string transport)
{
    private const double LeadSeconds = 0.1;

    public TimeProvider Clock => context.Clock;

    /// <summary>A recorder for this load; <see cref="RunAsync"/> fixes its start when the load begins.</summary>
    public RunRecorder NewRecorder()
    {
        var s = context.Settings;
        var seconds = (int)Math.Ceiling(
            s.Warmup.TotalSeconds + s.Duration.TotalSeconds + s.CostProbe.TotalSeconds + s.DrainTimeout.TotalSeconds + LeadSeconds) + 15;
        var recorder = new RunRecorder(Clock, s.Warmup, seconds, s.CostProbe > TimeSpan.Zero ? s.Duration : null);
        context.Metrics?.Track(recorder);
        return recorder;
    }

    /// <summary>
    /// Runs the load. The runner records each iteration into <paramref name="iterationRecorder"/> (the same recorder as
    /// <paramref name="recorder"/> when the iteration is the measured exchange, as in rtt); <paramref name="drained"/>
    /// (push) is polled afterwards until true or the drain timeout.
    /// </summary>
    public async Task<LoadOutcome> RunAsync(
        ITargetHandle target, RunRecorder recorder, RunRecorder iterationRecorder, int virtualUsers, IterationAction action,
        Func<bool>? drained, CancellationToken ct,
        Func<long, CancellationToken, Task>? duringLoad = null, long firstNumber = 1)
    {
        var s = context.Settings;

        // The run starts a moment from now so that the first intended times are not already late; an agent's run starts
        // when every agent's does (it is told the moment once all are ready).
        var runStart = context.Agent is { } agent
            ? await agent.WaitForStartAsync(ct).ConfigureAwait(false)
            : Clock.GetTimestamp() + (long)(LeadSeconds * Clock.TimestampFrequency);
        recorder.Begin(runStart);
        if (!ReferenceEquals(recorder, iterationRecorder))
        {
            iterationRecorder.Begin(runStart);
        }

        var phases = new List<LoadSimulation>();
        if (s.Warmup > TimeSpan.Zero)
        {
            phases.Add(Simulation.Inject(s.RatePerSec, s.Warmup));
        }

        phases.Add(Simulation.Inject(s.RatePerSec, s.Duration));
        if (s.CostProbe > TimeSpan.Zero)
        {
            phases.Add(Simulation.Inject(s.RatePerSec / 2, s.CostProbe));
        }
        var runner = new LoadRunner(new LoadRunnerOptions
        {
            Simulations = phases,
            VirtualUsers = virtualUsers,
            TimeProvider = Clock,
            FirstNumber = firstNumber,
            ScheduleOffset = context.Agent?.ScheduleOffset ?? TimeSpan.Zero,
        });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, target.ExitedToken);
        var generatorCpu = CpuMeter.ForCurrentProcess(Clock);
        var targetCpuAtStart = target.CpuTime();
        using var progressStop = new CancellationTokenSource();
        var progress = ProgressLoopAsync(recorder, iterationRecorder, progressStop.Token);
        var cpuBySecond = new List<double>();
        var cpuSampler = SampleCpuAsync(target, runStart, cpuBySecond, progressStop.Token);

        // CPU is read over the measured window: from the end of warm-up to the end of the load. The probe, when asked
        // for, runs over the same window.
        EchoProbe? probe = null;
        var windowStart = Task.Run(async () =>
        {
            var wait = Clock.GetElapsedTime(Clock.GetTimestamp(), recorder.MeasureStart);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, Clock, stop.Token).ConfigureAwait(false);
            }

            generatorCpu.Restart();
            targetCpuAtStart = target.CpuTime();
            if (s.Probe)
            {
                probe = EchoProbe.Start(s.PayloadBytes);
            }
        }, stop.Token);

        // With a cost probe after it, the measured window ends before the load does: CPU is read there.
        (TimeSpan Target, double GeneratorPercent, long At)? windowEnd = null;
        var windowEndTask = recorder.MeasureEnd == long.MaxValue ? Task.CompletedTask : Task.Run(async () =>
        {
            await WaitUntilAsync(recorder.MeasureEnd, stop.Token).ConfigureAwait(false);
            var (_, percent) = generatorCpu.Read();
            windowEnd = (target.CpuTime(), percent, Clock.GetTimestamp());
        }, stop.Token);

        // Scripted events (faults) run beside the load, timed from the run's start.
        var script = duringLoad?.Invoke(runStart, stop.Token) ?? Task.CompletedTask;
        var load = await runner.RunAsync(action, iterationRecorder, stop.Token).ConfigureAwait(false);
        try
        {
            await script.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run stopped before the script was done.
        }

        try
        {
            await windowStart.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped before warm-up ended: there is no measured window to read.
        }
        try
        {
            await windowEndTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped before the measured window ended.
        }

        var loadEnd = windowEnd?.At ?? Clock.GetTimestamp();
        var probed = probe?.Stop();
        probe?.Dispose();
        var generatorPercent = windowEnd?.GeneratorPercent ?? generatorCpu.Read().PercentOfMachine;
        var targetCpuSeconds = ((windowEnd?.Target ?? target.CpuTime()) - targetCpuAtStart).TotalSeconds;
        var measuredWall = Math.Max(0.001, Clock.GetElapsedTime(recorder.MeasureStart, loadEnd).TotalSeconds);
        var targetPercent = 100.0 * targetCpuSeconds / (measuredWall * Environment.ProcessorCount);

        var drainTimedOut = false;
        if (drained is not null && !stop.IsCancellationRequested)
        {
            var deadline = Clock.GetTimestamp() + (long)(s.DrainTimeout.TotalSeconds * Clock.TimestampFrequency);
            while (!drained() && !stop.IsCancellationRequested)
            {
                if (Clock.GetTimestamp() >= deadline)
                {
                    drainTimedOut = true;
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), Clock, CancellationToken.None).ConfigureAwait(false);
            }
        }

        var deliveryWall = windowEnd is null
            ? Math.Max(measuredWall, Clock.GetElapsedTime(recorder.MeasureStart).TotalSeconds)
            : measuredWall;
        await progressStop.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);
        await cpuSampler.ConfigureAwait(false);

        if (target.HasExited)
        {
            throw target.DiedException($"{scenario}/{transport}");
        }

        return new LoadOutcome(load, measuredWall, drained is null ? measuredWall : deliveryWall, generatorPercent,
            targetCpuSeconds, targetPercent, target.PeakRssMiB(), drainTimedOut, ct.IsCancellationRequested, probed)
        { TargetMeasured = target.ResourcesMeasured, TargetCpuMsBySecond = cpuBySecond };
    }

    /// <summary>
    /// The target's CPU in each whole second of the run (ms, second 0 from the run's start), read at each second's
    /// end until <paramref name="ct"/> stops it; the partial last second is left out. Nothing for a target Bench cannot see.
    /// </summary>
    private async Task SampleCpuAsync(ITargetHandle target, long runStart, List<double> samples, CancellationToken ct)
    {
        if (!target.ResourcesMeasured)
        {
            return;
        }

        try
        {
            await WaitUntilAsync(runStart, ct).ConfigureAwait(false);
            var last = target.CpuTime();
            for (var k = 1; !ct.IsCancellationRequested; k++)
            {
                await WaitUntilAsync(runStart + (k * Clock.TimestampFrequency), ct).ConfigureAwait(false);
                if (target.HasExited)
                {
                    return;
                }

                var now = target.CpuTime();
                samples.Add((now - last).TotalMilliseconds);
                last = now;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Sampling stops with the load.
        }
    }

    private async Task WaitUntilAsync(long timestamp, CancellationToken ct)
    {
        var wait = Clock.GetElapsedTime(Clock.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Clock, ct).ConfigureAwait(false);
        }
    }

    private async Task ProgressLoopAsync(RunRecorder recorder, RunRecorder sentRecorder, CancellationToken ct)
    {
        var s = context.Settings;
        var total = s.Warmup.TotalSeconds + s.Duration.TotalSeconds + s.CostProbe.TotalSeconds;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), Clock, ct).ConfigureAwait(false);
                var elapsed = Clock.GetElapsedTime(recorder.RunStart).TotalSeconds;
                var second = (int)Math.Floor(elapsed) - 1;
                var (delivered, p99) = recorder.Timeline.Peek(second);
                var sent = sentRecorder.Timeline.PeekSent(second);
                context.Progress.Report(new ProgressSnapshot(scenario, transport, Math.Max(0, elapsed), total,
                    elapsed < s.Warmup.TotalSeconds, sent, delivered, p99));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Progress stops with the load.
        }
    }
}

/// <summary>What a measured load produced besides the recorder's own figures.</summary>
public sealed record LoadOutcome(
    LoadRunResult Load,
    double MeasuredSeconds,
    double DeliverySeconds,
    double GeneratorCpuPercent,
    double TargetCpuSeconds,
    double TargetCpuPercent,
    double TargetPeakRssMiB,
    bool DrainTimedOut,
    bool Cancelled,
    ProbeSummary? Probe = null)
{
    /// <summary>Whether the target's CPU and memory were read; false for a target file without a process id.</summary>
    public bool TargetMeasured { get; init; } = true;

    /// <summary>The target's CPU (ms) in each whole second of the run, from its start; empty when not measured.</summary>
    public IReadOnlyList<double> TargetCpuMsBySecond { get; init; } = [];
}
