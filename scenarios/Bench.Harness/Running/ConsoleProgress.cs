using System.Globalization;
using Bench.Reports.Metrics;

namespace Bench.Harness.Running;

/// <summary>Live progress on standard error: a line rewritten in place on a terminal, a line every few seconds otherwise.</summary>
public sealed class ConsoleProgress : IProgressSink
{
    private readonly bool interactive = !Console.IsErrorRedirected;
    private readonly object gate = new();
    private int lastLength;
    private double lastPrinted = double.MinValue;

    public void Report(ProgressSnapshot s)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"  {s.Scenario}/{s.Transport} {(s.WarmingUp ? "warm-up " : "")}{s.ElapsedSec,5:0.0}/{s.TotalSec:0.0} s  sent " +
            $"{s.SentPerSec,6:N0}/s  delivered {s.DeliveredPerSec,7:N0}/s  p99 {Formats.Milliseconds(s.P99Us)}");
        lock (gate)
        {
            if (interactive)
            {
                Console.Error.Write("\r" + line.PadRight(lastLength));
                lastLength = line.Length;
            }
            else if (s.ElapsedSec - lastPrinted >= 5 || s.ElapsedSec < lastPrinted)
            {
                Console.Error.WriteLine(line);
                lastPrinted = s.ElapsedSec;
            }
        }
    }

    public void Message(string line)
    {
        lock (gate)
        {
            if (interactive && lastLength > 0)
            {
                Console.Error.Write("\r" + new string(' ', lastLength) + "\r");
                lastLength = 0;
            }

            Console.Error.WriteLine(line);
            lastPrinted = double.MinValue;
        }
    }
}
