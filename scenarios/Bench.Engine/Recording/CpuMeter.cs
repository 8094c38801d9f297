using System.Diagnostics;

namespace Bench.Engine.Recording;

/// <summary>CPU time of a process over a window, as seconds and as a share of the machine's cores.</summary>
public sealed class CpuMeter
{
    private readonly Process process;
    private readonly TimeProvider timeProvider;
    private TimeSpan startCpu;
    private long startTimestamp;

    public CpuMeter(Process process, TimeProvider timeProvider)
    {
        this.process = process;
        this.timeProvider = timeProvider;
        Restart();
    }

    public static CpuMeter ForCurrentProcess(TimeProvider timeProvider) => new(Process.GetCurrentProcess(), timeProvider);

    public void Restart()
    {
        process.Refresh();
        startCpu = process.TotalProcessorTime;
        startTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>CPU seconds used since <see cref="Restart"/>, and the percentage of all cores over that wall time.</summary>
    public (double CpuSeconds, double PercentOfMachine) Read()
    {
        process.Refresh();
        var cpu = (process.TotalProcessorTime - startCpu).TotalSeconds;
        var wall = timeProvider.GetElapsedTime(startTimestamp).TotalSeconds;
        var percent = wall <= 0 ? 0 : 100.0 * cpu / (wall * Environment.ProcessorCount);
        return (cpu, percent);
    }
}
