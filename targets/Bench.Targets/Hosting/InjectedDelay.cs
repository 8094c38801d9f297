using System.Diagnostics;

namespace Bench.Targets.Hosting;

/// <summary>
/// The test-only slowdown knob (<c>bench serve --inject-delay</c>): CPU burnt per delivery or response, as slower code
/// would, so the regression gate's power can be measured. A busy wait, because a timer cannot sleep 200 µs.
/// </summary>
public static class InjectedDelay
{
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
}
