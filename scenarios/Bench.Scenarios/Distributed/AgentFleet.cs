using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Bench.Reports.Json;
using Bench.Reports.Model;
using Bench.Scenarios.Clients;
using Bench.Scenarios.Scenarios;
using Bench.Scenarios.Targets;
using Bench.Scenarios.Transports;
using Bench.Scenarios.Transports.Hub;
using Bench.Scenarios.Transports.Webhook;
using Bench.Targets.Hosting;

namespace Bench.Scenarios.Distributed;

/// <summary>What <c>bench run --agents N</c> gives each case: how many agents, the run they belong to and where shards go.</summary>
public sealed record FleetOptions(int Agents, string RunId, string Directory, ClockMethod Clock);

/// <summary>
/// The one-machine form of a distributed run: the reference target started here, N <c>bench agent</c> processes
/// started with the environment a Kubernetes pod gets (<c>JOB_COMPLETION_INDEX</c>, <c>BENCH_AGENTS</c>, …), told to
/// start together once every one is ready, and their shards merged. An agent that dies leaves the others' shards and a
/// result naming it (<see cref="AgentsFailedException"/>, exit 4).
/// </summary>
public static class AgentFleet
{
    /// <summary>How long after the last agent is ready the load starts: time for the start line to reach every agent.</summary>
    private static readonly TimeSpan StartLead = TimeSpan.FromMilliseconds(500);

    public static async Task<ScenarioResult> RunPushAsync(ScenarioContext context, ITransport transport, FleetOptions fleet, CancellationToken ct)
    {
        var s = context.Settings;
        var token = Secrets.NewToken();
        var maxMessage = Math.Max(64 * 1024, (s.PayloadBytes * 2) + 1024);
        using var outbox = new TempOutbox(".db");
        var webhook = transport is WebhookTransport;
        IReadOnlyList<string> arguments = webhook
            ? ["--outbox", outbox.Path]
            : HubTarget.Arguments(maxMessage, (transport as HubTransport)?.ServerKeepAlive, []);
        await using var target = await TargetProcess.StartAsync(webhook ? TargetRole.Dispatcher : TargetRole.Hub, arguments,
            new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);

        var folder = Path.Combine(fleet.Directory, "agents", $"push-{transport.Name}");
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.GetFiles(folder, "shard-*.json"))
        {
            File.Delete(stale);
        }

        var agents = new List<AgentProcess>();
        try
        {
            for (var k = 0; k < fleet.Agents; k++)
            {
                agents.Add(AgentProcess.Start(k, fleet, transport, target, token, folder, s, context.ReadyTimeout));
            }

            context.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"  push/{transport.Name}: {fleet.Agents} agents connecting {s.Subscribers:N0} subscribers ({string.Join(", ", agents.Select(a => a.Share))})"));

            // Every agent says ready once the target counts all agents' subscribers; then all start at one moment.
            var readyBy = TimeSpan.FromSeconds(30) + (2 * context.ReadyTimeout);
            var allReady = Task.WhenAll(agents.Select(a => a.Ready));
            var firstExit = Task.WhenAny(agents.Select(a => a.Exited));
            var done = await Task.WhenAny(allReady, firstExit, Task.Delay(readyBy, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (done != allReady)
            {
                var gone = agents.FirstOrDefault(a => a.Exited.IsCompleted);
                throw new TargetFailedException(gone is not null
                    ? $"push/{transport.Name}: agent {gone.Index} exited with code {gone.Exited.Result} before it was ready{gone.StderrTail()}"
                    : $"push/{transport.Name}: the agents were not all ready within {readyBy.TotalSeconds:0} s");
            }

            var start = Stopwatch.GetTimestamp() + (long)(StartLead.TotalSeconds * Stopwatch.Frequency);
            foreach (var agent in agents)
            {
                agent.Start(start);
            }

            context.Progress.Message($"  push/{transport.Name}: all {fleet.Agents} agents ready; load started");
            var limit = s.Warmup + s.Duration + s.CostProbe + s.DrainTimeout + TimeSpan.FromSeconds(60);
            var finished = Task.WhenAll(agents.Select(a => a.Exited));
            await Task.WhenAny(finished, Task.Delay(limit, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (target.HasExited)
            {
                throw target.DiedException($"push/{transport.Name}");
            }

            var shards = new List<ShardMerge.Named>();
            var failures = new List<string>();
            foreach (var agent in agents)
            {
                var path = Path.Combine(folder, AgentRun.ShardFile(agent.Index));
                if (agent.Exited.IsCompleted && agent.Exited.Result == 0 && File.Exists(path))
                {
                    shards.Add(new ShardMerge.Named(path, ResultsJson.ReadShard(path)));
                }
                else
                {
                    failures.Add(agent.Exited.IsCompleted
                        ? string.Create(CultureInfo.InvariantCulture, $"agent {agent.Index} ({AgentRun.ShardFile(agent.Index)}) exited with {Describe(agent.Exited.Result)}{agent.StderrTail()}")
                        : string.Create(CultureInfo.InvariantCulture, $"agent {agent.Index} ({AgentRun.ShardFile(agent.Index)}) did not finish within {limit.TotalSeconds:0} s"));
                }
            }

            if (shards.Count == 0)
            {
                throw new TargetFailedException($"push/{transport.Name}: no agent wrote a shard: {string.Join("; ", failures)}");
            }

            var merged = ShardMerge.Merge(shards);
            if (failures.Count > 0)
            {
                throw new AgentsFailedException($"push/{transport.Name}: {string.Join("; ", failures)}; the report is the other agents' shards", merged);
            }

            return merged;
        }
        finally
        {
            foreach (var agent in agents)
            {
                agent.Dispose();
            }
        }
    }

    private static string Describe(int code) => code switch
    {
        137 => "code 137 (killed)",
        143 => "code 143 (terminated)",
        _ => "code " + code.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>One <c>bench agent</c> process: its ready line, its shard line, its exit and the tail of its errors.</summary>
    private sealed class AgentProcess : IDisposable
    {
        private readonly Process process;
        private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string> stderr = new();

        private AgentProcess(int index, Process process, string share)
        {
            Index = index;
            this.process = process;
            Share = share;
        }

        public int Index { get; }

        public string Share { get; }

        public Task Ready => ready.Task;

        public Task<int> Exited => exited.Task;

        public static AgentProcess Start(int index, FleetOptions fleet, ITransport transport, TargetProcess target, string token, string folder, Plan.ScenarioSettings s, TimeSpan readyTimeout)
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
            foreach (var a in prefix)
            {
                info.ArgumentList.Add(a);
            }

            string[] args =
            [
                "agent", "push", "--transport", transport.Name, "--clock", ClockMethods.Name(fleet.Clock), "--target-pid", target.ProcessId.ToString(inv), "--parent-pid", Environment.ProcessId.ToString(inv),
                "--rate", s.RatePerSec.ToString("R", inv), "--subscribers", s.Subscribers.ToString(inv), "--payload", s.PayloadBytes.ToString(inv),
                "--duration", Ms(s.Duration), "--warmup", Ms(s.Warmup), "--cost-probe", Ms(s.CostProbe), "--ready-timeout", Ms(readyTimeout + TimeSpan.FromSeconds(30)),
            ];
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            // The environment a pod of the Indexed Job gets (deploy/k8s/agents-job.yaml).
            info.Environment["JOB_COMPLETION_INDEX"] = index.ToString(inv);
            info.Environment["BENCH_AGENTS"] = fleet.Agents.ToString(inv);
            info.Environment["BENCH_TARGET_URL"] = target.Url;
            info.Environment["BENCH_TOKEN"] = token;
            info.Environment["BENCH_RUN_ID"] = fleet.RunId;
            info.Environment["BENCH_START_AT"] = "stdin";
            info.Environment["BENCH_OUT"] = folder;
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var (first, size) = AgentShare.Split(s.Subscribers, index, fleet.Agents);
            var agent = new AgentProcess(index, process, string.Create(inv, $"agent {index}: {first:N0}–{first + size - 1:N0}"));
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == "ready")
                {
                    agent.ready.TrySetResult();
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
            process.Exited += (_, _) => agent.exited.TrySetResult(SafeExitCode(process));
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

        /// <summary>Tells the agent when its load starts (this machine's monotonic clock).</summary>
        public void Start(long timestamp)
        {
            try
            {
                process.StandardInput.WriteLine("start " + timestamp.ToString(CultureInfo.InvariantCulture));
                process.StandardInput.Flush();
            }
            catch (IOException)
            {
                // It has exited; its exit is reported with the others'.
            }
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
}

/// <summary>Some agents did not finish: the merged result of the others is kept and the run fails (exit 4).</summary>
public sealed class AgentsFailedException(string message, ScenarioResult partial) : TargetFailedException(message)
{
    public ScenarioResult Partial { get; } = partial;
}
