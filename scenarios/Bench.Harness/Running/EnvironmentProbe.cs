using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Bench.Reports.Model;

namespace Bench.Harness.Running;

/// <summary>
/// Describes the machine and runtime a run happens on (it runs git, so it lives in the harness: Bench.Reports never runs anything).
/// </summary>
public static class EnvironmentProbe
{
    public static EnvironmentInfo Describe(string commandLine) => new(
        RuntimeInformation.OSDescription,
        CpuModel(),
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        RuntimeInformation.FrameworkDescription + " " + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        (GCSettings.IsServerGC ? "server" : "workstation")
            + (GCSettings.LatencyMode == GCLatencyMode.Batch ? ", non-concurrent" : ", concurrent")
            + (AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit") is { } spin
                ? $"; thread-pool spin limit {spin}"
                : "")
            + " (harness and targets alike)",
        Commit(),
        commandLine);

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
        {
            var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The commit being measured: <c>BENCH_COMMIT</c> (run-bench.sh sets it), else git's HEAD here, else null.</summary>
    private static string? Commit()
    {
        if (Environment.GetEnvironmentVariable("BENCH_COMMIT") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEnd().Trim();
            return git.WaitForExit(2000) && git.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }

    public static string RunId(DateTimeOffset startedAt) => startedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
}
