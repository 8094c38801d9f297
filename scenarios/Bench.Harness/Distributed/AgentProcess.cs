using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Bench.Harness.Targets;
using Bench.Harness.Transports;

namespace Bench.Harness.Distributed;

/// <summary>
/// One <c>bench agent</c> process started by <c>bench run --agents</c>, with the environment a Kubernetes pod of the
/// Indexed Job gets: its <c>ready</c> line, its other lines (replies and reports), its exit, the tail of its errors.
/// </summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> stderr = new();
    private readonly Channel<string> replies = Channel.CreateUnbounded<string>();

    private AgentProcess(int index, Process process, string share)
    {
        Index = index;
        this.process = process;
        Share = share;
    }

    public int Index { get; }

    /// <summary>"agent 0: 0–16": the subscribers it holds.</summary>
    public string Share { get; }

    public Task Ready => ready.Task;

    public Task<int> Exited => exited.Task;

    /// <summary>Sees each report line (<c>arrived …</c>) as it comes; other lines are replies.</summary>
    public Action<string>? OnReport { get; set; }

    public static AgentProcess Start(int index, FleetOptions fleet, string scenario, ITransport transport, TargetProcess target,
        string token, string folder, Plan.ScenarioSettings s, TimeSpan readyTimeout)
    {
        var inv = CultureInfo.InvariantCulture;
        var (fileName, prefix) = ServeCommandLocator.Locate();
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var total = scenario == "push" ? s.Subscribers : s.Connections;
        string[] args =
        [
            .. prefix, "agent", scenario, "--transport", transport.Name, "--clock", ClockMethods.Name(fleet.Clock),
            "--target-pid", target.ProcessId.ToString(inv), "--parent-pid", Environment.ProcessId.ToString(inv),
            "--rate", Math.Max(1, s.RatePerSec).ToString("R", inv), "--subscribers", total.ToString(inv), "--payload",
            s.PayloadBytes.ToString(inv),
            "--duration", Ms(s.Duration), "--warmup", Ms(s.Warmup), "--cost-probe", Ms(s.CostProbe), "--ready-timeout",
            Ms(readyTimeout + TimeSpan.FromSeconds(30)),
        ];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        // The index as a Kubernetes Indexed Job's pod gets it (JOB_COMPLETION_INDEX), and the agent's own variables.
        info.Environment["JOB_COMPLETION_INDEX"] = index.ToString(inv);
        info.Environment["BENCH_AGENTS"] = fleet.Agents.ToString(inv);
        info.Environment["BENCH_TARGET_URL"] = target.Url;
        info.Environment["BENCH_TOKEN"] = token;
        info.Environment["BENCH_RUN_ID"] = fleet.RunId;
        info.Environment["BENCH_START_AT"] = "stdin";
        info.Environment["BENCH_OUT"] = folder;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var (first, size) = AgentShare.Split(total, index, fleet.Agents);
        var agent = new AgentProcess(index, process, string.Create(inv, $"agent {index}: {first:N0}–{first + size - 1:N0}"));
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            if (line == "ready")
            {
                agent.ready.TrySetResult();
            }
            else if (line.StartsWith("arrived ", StringComparison.Ordinal))
            {
                agent.OnReport?.Invoke(line);
            }
            else
            {
                agent.replies.Writer.TryWrite(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.Length > 0 && !line.StartsWith('\r'))
            {
                agent.stderr.Enqueue(line);
                while (agent.stderr.Count > 10)
                {
                    agent.stderr.TryDequeue(out string? _);
                }
            }
        };
        process.Exited += (_, _) =>
        {
            agent.exited.TrySetResult(SafeExitCode(process));
            agent.replies.Writer.TryComplete();
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TargetFailedException($"agent {index} did not start: {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Sends one line to the agent's standard input (false when it has gone).</summary>
    public bool Send(string line)
    {
        try
        {
            process.StandardInput.WriteLine(line);
            process.StandardInput.Flush();
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Tells the agent when its load starts (this machine's monotonic clock).</summary>
    public void Start(long timestamp) => Send("start " + timestamp.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sends <paramref name="command"/> and waits for the agent's reply line; a gone agent fails the run, naming it.</summary>
    public async Task<string> AskAsync(string command, TimeSpan timeout, CancellationToken ct)
    {
        if (Send(command))
        {
            try
            {
                return await replies.Reader.ReadAsync(ct).AsTask().WaitAsync(timeout, ct).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // It exited before answering.
            }
            catch (TimeoutException)
            {
                throw new TargetFailedException(string.Create(CultureInfo.InvariantCulture, $"agent {Index} did not answer '{command}' " +
                    $"within {timeout.TotalSeconds:0} s{StderrTail()}"));
            }
        }

        var code = await Exited.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        throw new TargetFailedException($"agent {Index} exited with {AgentFleet.Describe(code)} before answering " +
            $"'{command}'{StderrTail()}");
    }

    public string StderrTail()
    {
        var lines = stderr.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).TakeLast(3).ToList();
        return lines.Count == 0 ? "" : ": " + string.Join(" | ", lines);
    }

    private static int SafeExitCode(Process p)
    {
        try
        {
            return p.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        process.Dispose();
    }
}
