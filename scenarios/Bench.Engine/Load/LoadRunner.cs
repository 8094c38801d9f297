using Bench.Engine.Recording;
using Bench.Engine.Timing;
using HdrHistogram;

namespace Bench.Engine.Load;

/// <summary>
/// Runs iterations by load simulation. Open-model phases schedule each iteration at its intended time on a dedicated
/// thread and hand it to a free virtual user; when none is free the iteration waits in a bounded backlog, and its
/// latency, measured from the intended time, includes that wait. Closed-model phases run each copy back to back.
/// </summary>
public sealed class LoadRunner(LoadRunnerOptions options)
{
    private readonly object gate = new();
    private readonly Stack<int> freeUsers = new();
    private readonly Queue<IterationContext> backlog = new();
    private readonly LongConcurrentHistogram lag = Histograms.CreateConcurrent();
    private readonly TimeProvider clock = options.TimeProvider;
    private readonly Action<Action> dispatch = options.Dispatch
        ?? (work => ThreadPool.UnsafeQueueUserWorkItem(static w => w(), work, preferLocal: false));
    private TaskCompletionSource idle = NewIdleSignal();
    private int busyUsers;
    private long number = options.FirstNumber - 1;
    private long scheduled;
    private long started;
    private long succeeded;
    private long failed;
    private long dropped;

    /// <summary>
    /// Runs every phase from <see cref="RunRecorder.RunStart"/>, recording into <paramref name="recorder"/>: sent when an
    /// iteration starts, delivered (with latency from its intended time) when it succeeds, an error kind when it fails.
    /// </summary>
    public async Task<LoadRunResult> RunAsync(IterationAction action, RunRecorder recorder, CancellationToken cancellationToken)
    {
        if (Simulation.Validate(options.Simulations) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.VirtualUsers);
        for (var u = options.VirtualUsers - 1; u >= 0; u--)
        {
            freeUsers.Push(u);
        }

        var pacer = options.Pacer ?? new PrecisePacer(clock);
        var phaseStart = recorder.RunStart + (long)(options.ScheduleOffset.TotalSeconds * clock.TimestampFrequency);
        var cancelled = false;
        try
        {
            foreach (var phase in options.Simulations)
            {
                var phaseTicks = (long)(phase.During.TotalSeconds * clock.TimestampFrequency);
                if (phase is KeepConstant closed)
                {
                    pacer.WaitUntil(phaseStart, cancellationToken);
                    await RunClosedAsync(closed.Copies, phaseStart + phaseTicks, action, recorder, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var start = phaseStart;
                    await RunOnSchedulerThread(() => ScheduleOpen(phase, start, action, recorder, pacer, cancellationToken))
                        .ConfigureAwait(false);
                }

                phaseStart += phaseTicks;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        var drained = await WaitIdleAsync(cancelled ? TimeSpan.FromSeconds(2) : options.DrainTimeout).ConfigureAwait(false);
        return new LoadRunResult(scheduled, started, succeeded, failed, dropped, lag.Copy(), cancelled, !drained);
    }

    private static Task RunOnSchedulerThread(Action loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "bench-scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return done.Task;
    }

    private void ScheduleOpen(
        LoadSimulation phase,
        long phaseStart,
        IterationAction action,
        RunRecorder recorder,
        IPacer pacer,
        CancellationToken ct)
    {
        pacer.OnSchedulerThreadStart();
        var ticksPerSecond = clock.TimestampFrequency;
        var ticksPerMicro = ticksPerSecond / 1e6;
        foreach (var offset in OpenSchedule.Offsets([phase]))
        {
            ct.ThrowIfCancellationRequested();
            var intended = phaseStart + (long)Math.Round(offset.Ticks * (double)ticksPerSecond / TimeSpan.TicksPerSecond);
            pacer.WaitUntil(intended, ct);
            var lateUs = (long)((clock.GetTimestamp() - intended) / ticksPerMicro);
            if (recorder.IsMeasured(intended))
            {
                Histograms.RecordClamped(lag, Math.Max(1, lateUs));
            }

            Interlocked.Increment(ref scheduled);
            var iteration = new IterationContext(Interlocked.Increment(ref number), intended, -1);
            int user;
            lock (gate)
            {
                if (freeUsers.Count == 0)
                {
                    if (backlog.Count < options.MaxBacklog)
                    {
                        backlog.Enqueue(iteration);
                    }
                    else
                    {
                        dropped++;
                    }

                    continue;
                }

                user = freeUsers.Pop();
                MarkBusy();
            }

            // Handed to the thread pool so the scheduler thread only keeps time; a slow iteration cannot delay the next one.
            var assigned = iteration with { VirtualUser = user };
            dispatch(() => _ = RunUserAsync(assigned, action, recorder, ct));
        }
    }

    private async Task RunUserAsync(IterationContext iteration, IterationAction action, RunRecorder recorder, CancellationToken ct)
    {
        while (true)
        {
            await ExecuteAsync(iteration, action, recorder, ct).ConfigureAwait(false);
            lock (gate)
            {
                if (backlog.Count == 0 || ct.IsCancellationRequested)
                {
                    freeUsers.Push(iteration.VirtualUser);
                    MarkFree();
                    return;
                }

                iteration = backlog.Dequeue() with { VirtualUser = iteration.VirtualUser };
            }
        }
    }

    private async Task RunClosedAsync(int copies, long phaseEnd, IterationAction action, RunRecorder recorder, CancellationToken ct)
    {
        var users = Enumerable.Range(0, copies).Select(async user =>
        {
            await Task.Yield();
            while (clock.GetTimestamp() < phaseEnd && !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref scheduled);
                var iteration = new IterationContext(Interlocked.Increment(ref number), clock.GetTimestamp(), user);
                await ExecuteAsync(iteration, action, recorder, ct).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(users).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    private async ValueTask ExecuteAsync(IterationContext iteration, IterationAction action, RunRecorder recorder, CancellationToken ct)
    {
        Interlocked.Increment(ref started);
        recorder.RecordSent(iteration.IntendedTimestamp);
        try
        {
            await action(iteration, ct).ConfigureAwait(false);
            Interlocked.Increment(ref succeeded);
            recorder.RecordDelivered(iteration.IntendedTimestamp, clock.GetTimestamp());
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run is stopping: the iteration was interrupted, not failed.
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref failed);
            recorder.RecordError(iteration.IntendedTimestamp, clock.GetTimestamp(), ErrorKind(e));
        }
    }

    /// <summary>A short, stable error-kind name for an exception.</summary>
    public static string ErrorKind(Exception e) => e switch
    {
        IterationFailedException f => f.Kind,
        TimeoutException or OperationCanceledException => "timeout",
        _ => e.GetType().Name,
    };

    private void MarkBusy()
    {
        if (busyUsers++ == 0)
        {
            idle = NewIdleSignal();
        }
    }

    private void MarkFree()
    {
        if (--busyUsers == 0 && backlog.Count == 0)
        {
            idle.TrySetResult();
        }
    }

    private async Task<bool> WaitIdleAsync(TimeSpan timeout)
    {
        Task wait;
        lock (gate)
        {
            if (busyUsers == 0)
            {
                return true;
            }

            wait = idle.Task;
        }

        try
        {
            await wait.WaitAsync(timeout, clock).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static TaskCompletionSource NewIdleSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
