using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Bench.Harness.Targets;
using Bench.Harness.Transports;

namespace Bench.Harness.Distributed;

/// <summary>
/// One <c>bench agent</c> process started by <c>bench run --agents</c>, with the environment a Kubernetes pod of the
/// Indexed Job gets: its exit and the tail of its errors; for <c>connections</c> (driven over standard input) also its
/// <c>ready</c> line and its other lines (replies and reports).
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

    /// <summary>"agent 0: 0–16": the subscribers it holds (connections).</summary>
    public string Share { get; }

    public Task Ready => ready.Task;

    public Task<int> Exited => exited.Task;

    /// <summary>Sees each report line (<c>arrived …</c>) as it comes; other lines are replies.</summary>
    public Action<string>? OnReport { get; set; }

    /// <summary>
    /// Starts <c>bench agent push</c> with the environment a pod of the agents' Job gets: where the coordinator listens,
    /// its index and the run's token; everything else comes over the connection.
    /// </summary>
    public static AgentProcess StartPush(int index, System.Net.IPEndPoint coordinator, string token)
    {
        var inv = CultureInfo.InvariantCulture;
        return Launch(index, ["push", "--parent-pid", Environment.ProcessId.ToString(inv)], new Dictionary<string, string>
        {
            ["BENCH_COORDINATOR"] = coordinator.ToString(),
            ["JOB_COMPLETION_INDEX"] = index.ToString(inv),
            ["BENCH_TOKEN"] = token,
        }, string.Create(inv, $"agent {index}"));
    }

    /// <summary>Starts <c>bench agent connections</c>, driven over standard input (see <see cref="AgentHold"/>).</summary>
    public static AgentProcess StartConnections(int index, int agents, ITransport transport, TargetProcess target, string token,
        int total, TimeSpan readyTimeout)
    {
        var inv = CultureInfo.InvariantCulture;
        var (first, size) = AgentShare.Split(total, index, agents);
        return Launch(index,
        [
            "connections", "--transport", transport.Name, "--target-pid", target.ProcessId.ToString(inv), "--parent-pid",
            Environment.ProcessId.ToString(inv), "--subscribers", total.ToString(inv), "--ready-timeout",
            Ms(readyTimeout + TimeSpan.FromSeconds(30)),
        ], new Dictionary<string, string>
        {
            ["JOB_COMPLETION_INDEX"] = index.ToString(inv),
            ["BENCH_AGENTS"] = agents.ToString(inv),
            ["BENCH_TARGET_URL"] = target.Url,
            ["BENCH_TOKEN"] = token,
        }, string.Create(inv, $"agent {index}: {first:N0}–{first + size - 1:N0}"));
    }

    private static AgentProcess Launch(int index, string[] args, Dictionary<string, string> environment, string share)
    {
        var (fileName, prefix) = ServeCommandLocator.Locate();
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[.. prefix, "agent", .. args])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var agent = new AgentProcess(index, process, share);
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
