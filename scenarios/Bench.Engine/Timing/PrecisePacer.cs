using System.Runtime.InteropServices;

namespace Bench.Engine.Timing;

/// <summary>
/// Sleeps to within tens of microseconds of an intended time. Task.Delay and Thread.Sleep wake a millisecond or more
/// late, which would put a millisecond of scheduler error into every latency figure of a sub-millisecond loopback
/// round trip; on Linux this sleeps with nanosleep and a 1 ns timer slack, then spins only the last few microseconds.
/// </summary>
public sealed partial class PrecisePacer(TimeProvider timeProvider) : IPacer
{
    private const long SpinWindowNs = 40_000;
    private readonly double ticksToNs = 1e9 / timeProvider.TimestampFrequency;
    private readonly bool linux = OperatingSystem.IsLinux();

    /// <summary>Lowers this thread's timer slack so that short sleeps wake on time.</summary>
    public void OnSchedulerThreadStart()
    {
        if (linux)
        {
            // PR_SET_TIMERSLACK (29): the default 50 µs slack would be added to every wake-up.
            _ = Prctl(29, 1, 0, 0, 0);

            // A higher scheduling priority (nice -10) lets the woken scheduler preempt busy workers at once. It needs
            // CAP_SYS_NICE; without it the call fails and the thread keeps the default, which schedule lag then shows.
            _ = SetPriority(0, GetTid(), -10);
        }
    }

    public void WaitUntil(long timestamp, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remainingNs = (long)((timestamp - timeProvider.GetTimestamp()) * ticksToNs);
            if (remainingNs <= 0)
            {
                return;
            }

            if (remainingNs <= SpinWindowNs)
            {
                Thread.SpinWait(20);
                continue;
            }

            // Sleep at most 50 ms at a time so cancellation is seen promptly.
            var sleepNs = Math.Min(remainingNs - SpinWindowNs, 50_000_000);
            if (linux)
            {
                var spec = new TimeSpec { Seconds = sleepNs / 1_000_000_000, Nanoseconds = sleepNs % 1_000_000_000 };
                _ = NanoSleep(ref spec, IntPtr.Zero);
            }
            else
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, sleepNs / 100)));
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static partial int NanoSleep(ref TimeSpec request, IntPtr remaining);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
