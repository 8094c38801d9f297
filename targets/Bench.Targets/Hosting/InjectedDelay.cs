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

    /// <summary>Burns, then waits (either may be zero).</summary>
    public void Apply()
    {
        Spend(Burn);
        Sleep(Wait);
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
    /// timer slack (50 µs by default) of the time asked; elsewhere it rounds up to whole milliseconds.
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
}
