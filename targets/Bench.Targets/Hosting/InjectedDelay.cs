using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bench.Targets.Hosting;

/// <summary>
/// The test-only slowdown knobs, applied per delivery, echo or answer so that the regression gate's power can be
/// measured: <see cref="Burn"/> spends CPU as slower code would (<c>bench serve --inject-delay</c>); <see cref="Wait"/>
/// waits without the CPU as a slower dependency would — a database, a lock, a downstream call (<c>--inject-wait</c>).
/// </summary>
public readonly partial record struct InjectedDelay(TimeSpan Burn, TimeSpan Wait)
{
    public static readonly InjectedDelay None = default;

    /// <summary>Burns, then waits without holding a thread (either may be zero).</summary>
    public ValueTask ApplyAsync()
    {
        Spend(Burn);
        return Wait > TimeSpan.Zero ? new ValueTask(PreciseWaits.After(Wait)) : ValueTask.CompletedTask;
    }

    /// <summary>A busy wait, because a timer cannot sleep 200 µs.</summary>
    public static void Spend(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        var until = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
    }

    /// <summary>
    /// Blocks this thread for <paramref name="wait"/> without using the CPU. Thread.Sleep and Task.Delay count whole
    /// milliseconds (200 µs would be no wait at all), so on Linux this is nanosleep, which wakes within the thread's
    /// timer slack of the time asked; elsewhere it rounds up to whole milliseconds.
    /// </summary>
    public static void Sleep(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            var ns = (long)(wait.TotalSeconds * 1e9);
            var spec = new TimeSpec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
            _ = NanoSleep(ref spec, IntPtr.Zero);
            return;
        }

        Thread.Sleep((int)Math.Ceiling(wait.TotalMilliseconds));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "nanosleep")]
    private static extern int NanoSleep(ref TimeSpec request, IntPtr remaining);

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    /// <summary>
    /// Sub-millisecond waits that hold no thread of the caller's: one thread of its own sleeps (nanosleep, 1 ns timer
    /// slack) until the earliest deadline and completes the waits that are due. Every wait of a process has the same
    /// length (one knob), so deadlines arrive in order and a queue is enough.
    /// </summary>
    private static class PreciseWaits
    {
        private static readonly Queue<(long Due, TaskCompletionSource Done)> Due = new();
        private static readonly object Gate = new(); // Monitor.Wait/Pulse, which System.Threading.Lock has not
        private static Thread? waiter;

        public static Task After(TimeSpan wait)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var due = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
            lock (Gate)
            {
                Due.Enqueue((due, done));
                if (waiter is null)
                {
                    waiter = new Thread(Run) { IsBackground = true, Name = "bench-inject-wait" };
                    waiter.Start();
                }
                else if (Due.Count == 1)
                {
                    Monitor.Pulse(Gate);
                }
            }

            return done.Task;
        }

        private static void Run()
        {
            if (OperatingSystem.IsLinux())
            {
                _ = Prctl(29, 1, 0, 0, 0); // PR_SET_TIMERSLACK: wake within 1 ns of the time asked, not 50 µs after it
            }

            while (true)
            {
                long next;
                lock (Gate)
                {
                    while (Due.Count == 0)
                    {
                        Monitor.Wait(Gate);
                    }

                    next = Due.Peek().Due;
                }

                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                Sleep(left);
                var now = Stopwatch.GetTimestamp();
                lock (Gate)
                {
                    while (Due.Count > 0 && Due.Peek().Due <= now)
                    {
                        Due.Dequeue().Done.SetResult();
                    }
                }
            }
        }
    }
}
