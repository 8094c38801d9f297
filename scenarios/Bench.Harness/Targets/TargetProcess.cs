using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Bench.Targets.Hosting;

namespace Bench.Harness.Targets;

/// <summary>
/// A target running as its own process (<c>bench serve</c>), so its CPU and memory are measured apart from the
/// generator's. Started on loopback with an ephemeral port; ready when it prints <c>ready ROLE URL</c>. It watches this
/// process and exits if it disappears, and every live target is killed when this process exits: none is left running.
/// </summary>
public sealed class TargetProcess : ITargetHandle, IAsyncDisposable
{
    private static readonly ConcurrentDictionary<TargetProcess, byte> Live = new();
    private readonly Process process;
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> stderrTail = new();
    private readonly CancellationTokenSource exitedToken = new();
    private bool stopping;

    static TargetProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var target in Live.Keys)
            {
                target.Kill();
            }
        };
    }

    private TargetProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    /// <summary>The role (<c>hub</c>, <c>dispatcher</c>, <c>receiver</c>), or <c>proxy</c> for a fault proxy's process.</summary>
    public string Name { get; }

    /// <summary>What the ready line said after <c>ready NAME</c>, word by word.</summary>
    public IReadOnlyList<string> ReadyFields { get; private set; } = [];

    /// <summary>Test only: a duration (e.g. 200us) passed to every target as <c>--inject-delay</c> (CPU burnt).</summary>
    public const string InjectDelayVariable = "BENCH_INJECT_DELAY";

    /// <summary>Test only: a duration (e.g. 200us) passed to every target as <c>--inject-wait</c> (a wait without CPU).</summary>
    public const string InjectWaitVariable = "BENCH_INJECT_WAIT";

    /// <summary>Each test-only slowdown variable and the <c>bench serve</c> option it becomes.</summary>
    public static readonly IReadOnlyList<(string Variable, string Option)> Injections =
        [(InjectDelayVariable, "--inject-delay"), (InjectWaitVariable, "--inject-wait")];

    /// <summary>The first (plain HTTP) URL printed in the ready line.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The HTTPS URL printed in the ready line, when the target was started with <c>--tls</c>.</summary>
    public string? SecureUrl { get; private set; }

    /// <summary>The hub's gRPC URL (HTTP/2 cleartext), from the ready line's <c>grpc=</c> field; null when it has none.</summary>
    public string? GrpcUrl { get; private set; }

    public int ProcessId => process.Id;

    /// <summary>The bearer token the target was started with (<c>BENCH_TOKEN</c>), sent on its control routes; null for none.</summary>
    public string? Token { get; private set; }

    /// <summary>Completes with the exit code when the process exits.</summary>
    public Task<int> Exited => exited.Task;

    public bool HasExited => exited.Task.IsCompleted;

    /// <summary>Cancelled when the process exits, so loads can stop at once.</summary>
    public CancellationToken ExitedToken => exitedToken.Token;

    /// <summary>How the ready line marks the hub's gRPC URL.</summary>
    public const string GrpcField = "grpc=";

    /// <summary>Starts <c>bench serve --role ROLE</c> and waits for its ready line.</summary>
    public static Task<TargetProcess> StartAsync(
        TargetRole role, IReadOnlyList<string> extraArguments, IReadOnlyDictionary<string, string> environment, TimeSpan readyTimeout,
        CancellationToken ct)
    {
        var name = role.ToString().ToLowerInvariant();
        return StartCommandAsync(name, ["serve", "--role", name], extraArguments, environment, readyTimeout, ct);
    }

    /// <summary>
    /// Starts <c>bench COMMAND…</c> (with <c>--parent-pid</c> of this process, so it exits with it) and waits for its
    /// line <c>ready NAME …</c>; killed with this process, on Ctrl-C or failure, as every target is.
    /// </summary>
    public static async Task<TargetProcess> StartCommandAsync(string name, IReadOnlyList<string> command,
        IReadOnlyList<string> extraArguments, IReadOnlyDictionary<string, string> environment, TimeSpan readyTimeout, CancellationToken ct)
    {
        var build = TargetBuild.Current;
        var (fileName, prefix) = build is null ? ServeCommandLocator.Locate() : (build.FileName, build.PrefixArguments);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in prefix)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var a in command.Concat(["--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var a in extraArguments)
        {
            info.ArgumentList.Add(a);
        }

        // Test only: BENCH_INJECT_DELAY and BENCH_INJECT_WAIT slow every target this harness starts (the regression
        // gate's proof); not a proxy.
        foreach (var (variable, option) in Injections)
        {
            var value = command[0] != "serve" ? null
                : build is null ? Environment.GetEnvironmentVariable(variable) : build.Environment.GetValueOrDefault(variable);
            if (value is { Length: > 0 })
            {
                info.ArgumentList.Add(option);
                info.ArgumentList.Add(value);
            }
        }

        // Targets run with the runtime's socket defaults, whatever the harness chose for itself.
        LaunchSettings.StartsAsLaunchedByHand(info);

        foreach (var (key, value) in (build?.Environment ?? new Dictionary<string, string>()).Concat(environment))
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var target = new TargetProcess(name, process) { Token = environment.GetValueOrDefault("BENCH_TOKEN") };
        var ready = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                target.stderrTail.Enqueue(line);
                while (target.stderrTail.Count > 20)
                {
                    target.stderrTail.TryDequeue(out string? _);
                }
            }
        };
        process.Exited += (_, _) =>
        {
            int code;
            try
            {
                code = process.ExitCode;
            }
            catch (InvalidOperationException)
            {
                code = -1;
            }

            target.exited.TrySetResult(code);
            target.exitedToken.Cancel();
            ready.TrySetException(new TargetFailedException($"{target.Name} exited with code {code} before it was " +
                $"ready{target.StderrSuffix()}"));
        };

        try
        {
            if (!process.Start())
            {
                throw new TargetFailedException($"{target.Name} did not start ({fileName})");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TargetFailedException($"{target.Name} did not start: {e.Message}", e);
        }

        Live.TryAdd(target, 0);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var urls = await ready.Task.WaitAsync(readyTimeout, ct).ConfigureAwait(false);
            target.ReadyFields = urls;
            target.Url = urls[0];
            target.SecureUrl = urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal));
            target.GrpcUrl = urls.FirstOrDefault(u => u.StartsWith(GrpcField, StringComparison.Ordinal))?[GrpcField.Length..];
            return target;
        }
        catch (TimeoutException)
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw new TargetFailedException($"{target.Name} was not ready within {readyTimeout.TotalSeconds:0} s{target.StderrSuffix()}");
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Total CPU time the process has used so far.</summary>
    public TimeSpan CpuTime() => ProcessReadings.CpuTime(process);

    /// <summary>The process's peak resident set (VmHWM on Linux; the current working set elsewhere), in MiB.</summary>
    public double PeakRssMiB() => ProcessReadings.PeakRssMiB(process);

    /// <summary>A failure describing this target's unexpected exit.</summary>
    public TargetFailedException DiedException(string during) =>
        new($"{Name} (pid {ProcessId}) exited with code {(HasExited ? Exited.Result : -1)} during {during}{StderrSuffix()}");

    private string StderrSuffix()
    {
        var tail = string.Join(Environment.NewLine + "    ", stderrTail);
        return tail.Length == 0 ? "" : ":" + Environment.NewLine + "    " + tail;
    }

    private void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stopping)
        {
            return;
        }

        stopping = true;
        Kill();
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync($"warning: {Name} (pid {process.Id}) did not exit within 5 s of being " +
                $"killed").ConfigureAwait(false);
        }

        Live.TryRemove(this, out _);
        process.Dispose();

        // exitedToken is not disposed: the Exited event may still be raised after the wait above (it is not ordered
        // with the end of the output streams), and cancelling a disposed source would throw on a pool thread and end
        // the whole run. A source without a timer holds nothing that needs disposing.
    }
}
