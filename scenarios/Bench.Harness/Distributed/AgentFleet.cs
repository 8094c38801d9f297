using System.Diagnostics;
using System.Globalization;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Distributed;

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

    public static async Task<ScenarioResult> RunPushAsync(ScenarioContext context, ITransport transport,
        FleetOptions fleet, CancellationToken ct)
    {
        var s = context.Settings;
        var token = Secrets.NewToken();
        var maxMessage = Math.Max(64 * 1024, (s.PayloadBytes * 2) + 1024);
        using var outbox = new TempOutbox(".db");

        // A target file's system is the user's, already running: the agents share it (and one stream of it) instead.
        var file = transport is TargetFiles.FileTransport own ? AgentTargetFile.ForFleet(own) : null;
        var launch = file is not null ? null : transport.SharedTarget(new SharedTargetSetup(maxMessage, KeepAlive: null, outbox.Path))
            ?? throw new TargetFailedException($"push/{transport.Name}: agents share a reference target, and {transport.Name} has none");
        await using var target = launch is null ? null : await TargetProcess.StartAsync(launch.Role, launch.Arguments,
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
                agents.Add(AgentProcess.Start(k, fleet, "push", transport, target, token, folder, s, context.ReadyTimeout, file));
            }

            context.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"  push/{transport.Name}: {fleet.Agents} agents connecting {s.Subscribers:N0} subscribers " +
                $"({string.Join(", ", agents.Select(a => a.Share))})"));

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
                    ? $"push/{transport.Name}: agent {gone.Index} exited with code {gone.Exited.Result} before it was " +
                        $"ready{gone.StderrTail()}"
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
            if (target?.HasExited == true)
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
                        ? string.Create(CultureInfo.InvariantCulture, $"agent {agent.Index} ({AgentRun.ShardFile(agent.Index)}) exited " +
                            $"with {Describe(agent.Exited.Result)}{agent.StderrTail()}")
                        : string.Create(CultureInfo.InvariantCulture, $"agent {agent.Index} ({AgentRun.ShardFile(agent.Index)}) did not " +
                            $"finish within {limit.TotalSeconds:0} s"));
                }
            }

            if (shards.Count == 0)
            {
                throw new TargetFailedException($"push/{transport.Name}: no agent wrote a shard: {string.Join("; ", failures)}");
            }

            var merged = ShardMerge.Merge(shards);
            merged = file?.Noted(merged, fleet.Agents) ?? merged;
            if (failures.Count > 0)
            {
                throw new AgentsFailedException($"push/{transport.Name}: {string.Join("; ", failures)}; the report is the other " +
                    $"agents' shards", merged);
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

    internal static string Describe(int code) => code switch
    {
        137 => "code 137 (killed)",
        143 => "code 143 (terminated)",
        _ => "code " + code.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>Some agents did not finish: the merged result of the others is kept and the run fails (exit 4).</summary>
public sealed class AgentsFailedException(string message, ScenarioResult partial) : TargetFailedException(message)
{
    public ScenarioResult Partial { get; } = partial;
}
