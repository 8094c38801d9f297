using System.Diagnostics;
using System.Globalization;

namespace Bench.Scenarios.Targets;

/// <summary>A process's CPU time and peak memory, read the same way for the targets Bench starts and those it is told of.</summary>
public static class ProcessReadings
{
    /// <summary>Total CPU time the process has used so far; zero once it is gone.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The process's peak resident set (VmHWM on Linux; the peak working set elsewhere), in MiB.</summary>
    public static double PeakRssMiB(Process process)
    {
        try
        {
            var status = $"/proc/{process.Id}/status";
            if (File.Exists(status))
            {
                var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null)
                {
                    var kib = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                    return kib / 1024.0;
                }
            }

            process.Refresh();
            return process.PeakWorkingSet64 / (1024.0 * 1024.0);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return 0;
        }
    }
}
