using System.Diagnostics;
using System.Globalization;

namespace Bench.Harness.Targets;

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

    /// <summary>
    /// The CPU time of a process's live threads to the nanosecond, summed from <c>/proc/PID/task/*/schedstat</c>, with
    /// the thread ids it was summed over; null where that cannot be read (not Linux, process gone). <c>/proc/PID/stat</c>
    /// counts in 10 ms ticks, too coarse for a one-second block; this is exact, but a thread that exits between two
    /// readings takes its time with it, so compare the thread ids before trusting a difference.
    /// </summary>
    public static (TimeSpan Cpu, HashSet<int> Threads)? ThreadCpuTime(int pid)
    {
        try
        {
            long ns = 0;
            var threads = new HashSet<int>();
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var first = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ', 2)[0];
                    ns += long.Parse(first, CultureInfo.InvariantCulture);
                    threads.Add(int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The thread exited while being read: its time is gone either way.
                }
            }

            return threads.Count == 0 ? null : (TimeSpan.FromTicks(ns / 100), threads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
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
                    var kib = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(),
                        CultureInfo.InvariantCulture);
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

    /// <summary>The open-file limit (soft) of a target process on this machine, or null where it cannot be read.</summary>
    public static long? OpenFileLimit(ITargetHandle target) =>
        target is TargetProcess p ? OpenFileLimit($"/proc/{p.ProcessId}/limits") : null;

    /// <summary>The soft "Max open files" of a <c>/proc/PID/limits</c> file, or null where it cannot be read.</summary>
    public static long? OpenFileLimit(string limits)
    {
        try
        {
            var line = File.ReadLines(limits).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return soft is null ? null : soft == "unlimited" ? long.MaxValue : long.Parse(soft,
                System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether process <paramref name="pid"/> is still running (a parent a target or an agent watches).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
