using System.Diagnostics;
using System.Globalization;
using Bench.Harness.Targets;
using Bench.Reports.Warnings;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// A target Bench did not start: the system behind a target file. Its CPU and memory are read only from a local
/// process id the file names; without one they are not measured (never guessed). It "dies" when that process exits,
/// or when the system stops answering publishes altogether.
/// </summary>
public sealed class ExternalTarget : ITargetHandle, IDisposable
{
    private readonly Process? process;
    private readonly CancellationTokenSource exited = new();
    private string? gone;

    public ExternalTarget(string name, string url, int? pid)
    {
        Name = name;
        Url = url;
        if (pid is { } id)
        {
            try
            {
                process = Process.GetProcessById(id);
                process.EnableRaisingEvents = true;
                process.Exited += (_, _) => exited.Cancel();
            }
            catch (ArgumentException)
            {
                throw new TargetFileException($"process.pid: no process {id.ToString(CultureInfo.InvariantCulture)} is running here");
            }
        }
    }

    public string Name { get; }

    public string Url { get; }

    /// <summary>The bearer token of the target's control routes, when it is a reference target; null for none.</summary>
    public string? Token { get; init; }

    public CancellationToken ExitedToken => exited.Token;

    public bool HasExited => exited.IsCancellationRequested;

    public bool ResourcesMeasured => process is not null;

    /// <summary>The warning a result carries when this target's CPU and memory could not be read, or null.</summary>
    public RunWarning? NotMeasuredWarning(TargetFile file) =>
        process is not null ? null : WarningKinds.TargetNotMeasured.Of(Path.GetFileName(file.Path));

    public TimeSpan CpuTime() => process is null ? TimeSpan.Zero : ProcessReadings.CpuTime(process);

    public double PeakRssMiB() => process is null ? 0 : ProcessReadings.PeakRssMiB(process);

    /// <summary>The process's resident set now, in MiB (0 without a process id).</summary>
    public double CurrentRssMiB()
    {
        if (process is null)
        {
            return 0;
        }

        try
        {
            process.Refresh();
            return process.WorkingSet64 / (1024.0 * 1024.0);
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    public TargetFailedException DiedException(string during) =>
        new($"{Name}: {gone ?? $"its process (pid {process?.Id}) exited"} during {during}");

    /// <summary>The system stopped answering (<paramref name="why"/>): the run stops as if a target process had died.</summary>
    public void Gone(string why)
    {
        gone ??= why;
        exited.Cancel();
    }

    public void Dispose()
    {
        process?.Dispose();
        exited.Dispose();
    }
}
