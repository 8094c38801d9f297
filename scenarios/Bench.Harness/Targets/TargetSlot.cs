using System.Globalization;
using Bench.Targets.Hosting;

namespace Bench.Harness.Targets;

/// <summary>
/// A target that a scenario may kill and start again on the same port (the <c>restart</c> fault). Its handle stays
/// valid across restarts: CPU adds up over every process, and only a death the scenario did not cause counts as one.
/// </summary>
public sealed class TargetSlot : ITargetHandle, IAsyncDisposable
{
    private readonly TargetRole role;
    private readonly IReadOnlyList<string> arguments;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly TimeSpan readyTimeout;
    private readonly CancellationTokenSource died = new();
    private TargetProcess current;
    private TimeSpan cpuOfEarlier;
    private double peakRss;
    private bool restarting;

    private TargetSlot(TargetRole role, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        TimeSpan readyTimeout, TargetProcess first)
    {
        this.role = role;
        this.arguments = arguments;
        this.environment = environment;
        this.readyTimeout = readyTimeout;
        current = first;
        Watch(first);
    }

    public string Name => current.Name;

    public string Url => current.Url;

    /// <summary>The hub's gRPC URL (the same port across restarts); null when it has none.</summary>
    public string? GrpcUrl => current.GrpcUrl;

    public string? Token => current.Token;

    public CancellationToken ExitedToken => died.Token;

    public bool HasExited => died.IsCancellationRequested;

    public int Restarts { get; private set; }

    public static async Task<TargetSlot> StartAsync(
        TargetRole role, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        TimeSpan readyTimeout, CancellationToken ct)
    {
        var first = await TargetProcess.StartAsync(role, arguments, environment, readyTimeout, ct).ConfigureAwait(false);
        return new TargetSlot(role, arguments, environment, readyTimeout, first);
    }

    /// <summary>Kills the process (SIGKILL) now.</summary>
    public async Task KillAsync()
    {
        restarting = true;
        cpuOfEarlier += current.CpuTime();
        peakRss = Math.Max(peakRss, current.PeakRssMiB());
        await current.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Starts a new process on the same URL as the one killed.</summary>
    public async Task StartAgainAsync(CancellationToken ct)
    {
        var port = new Uri(current.Url).Port.ToString(CultureInfo.InvariantCulture);
        IReadOnlyList<string> again = [.. arguments, "--urls", "http://127.0.0.1:" + port];
        if (current.GrpcUrl is { } grpc)
        {
            // The hub's gRPC port too, in place of the one asked for at first (0, a free one).
            var at = arguments.ToList().IndexOf("--grpc-port");
            again = [.. arguments.Where((_, i) => at < 0 || (i != at && i != at + 1)), "--urls", "http://127.0.0.1:" + port,
                "--grpc-port", new Uri(grpc).Port.ToString(CultureInfo.InvariantCulture)];
        }

        var next = await TargetProcess.StartAsync(role, again, environment, readyTimeout, ct).ConfigureAwait(false);
        current = next;
        Restarts++;
        restarting = false;
        Watch(next);
    }

    public TimeSpan CpuTime() => cpuOfEarlier + (restarting ? TimeSpan.Zero : current.CpuTime());

    public double PeakRssMiB() => Math.Max(peakRss, restarting ? 0 : current.PeakRssMiB());

    public TargetFailedException DiedException(string during) => current.DiedException(during);

    private void Watch(TargetProcess process) =>
        process.Exited.ContinueWith(
            _ =>
            {
                if (!restarting && ReferenceEquals(process, current))
                {
                    died.Cancel();
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        restarting = true;
        await current.DisposeAsync().ConfigureAwait(false);
        died.Dispose();
    }
}
