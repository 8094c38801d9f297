using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Distributed;

/// <summary>
/// What <c>bench run --agents N</c> gives each case: how many agents, the run they belong to and where shards go; with
/// <see cref="Listen"/>, the address agents started elsewhere connect to (no process is started here), and
/// <see cref="Token"/>, the secret they present; <see cref="Wait"/>, how long to wait for them to connect.
/// </summary>
public sealed record FleetOptions(int Agents, string RunId, string Directory, ClockMethod Clock)
{
    public IPEndPoint? Listen { get; init; }

    public string? Token { get; init; }

    public TimeSpan Wait { get; init; } = DefaultWait;

    /// <summary>How long agents started on this machine have to connect.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    /// <summary>How long agents started elsewhere (a cluster's pods, which are scheduled and pull an image) have to connect.</summary>
    public static readonly TimeSpan DefaultListenWait = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A distributed push run, coordinated from here: the reference target started here, a listener agents register with
/// (<see cref="Coordinator"/>; on one machine N <c>bench agent push</c> processes are started pointing at it), each
/// agent's assignment sent, all started together once every one is ready, and their shards received over their
/// connections, written as <c>shard-K.json</c> and merged. An agent that never connects or whose connection drops
/// before its shard arrives is named, the others' merge kept (<see cref="AgentsFailedException"/>, exit 4).
/// </summary>
public static class AgentFleet
{
    /// <summary>How long after the last agent is ready the load starts: time for the start line to reach every agent.</summary>
    private static readonly TimeSpan StartLead = TimeSpan.FromMilliseconds(500);

    public static async Task<ScenarioResult> RunPushAsync(ScenarioContext context, ITransport transport,
        FleetOptions fleet, CancellationToken ct)
    {
        var s = context.Settings;
        var inv = CultureInfo.InvariantCulture;
        var name = $"push/{transport.Name}";
        var hubToken = Secrets.NewToken();
        var maxMessage = Math.Max(64 * 1024, (s.PayloadBytes * 2) + 1024);
        using var outbox = new TempOutbox(".db");

        // A target file's system is the user's, already running: the agents share it (and one stream of it) instead.
        var file = transport is TargetFiles.FileTransport own ? AgentTargetFile.ForFleet(own) : null;
        var launch = file is not null ? null : transport.SharedTarget(new SharedTargetSetup(maxMessage, KeepAlive: null, outbox.Path))
            ?? throw new TargetFailedException($"{name}: agents share a reference target, and {transport.Name} has none");
        await using var target = launch is null ? null : await TargetProcess.StartAsync(launch.Role, launch.Arguments,
            new Dictionary<string, string> { ["BENCH_TOKEN"] = hubToken }, context.ReadyTimeout, ct).ConfigureAwait(false);

        var folder = Path.Combine(fleet.Directory, "agents", $"push-{transport.Name}");
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.GetFiles(folder, "shard-*.json"))
        {
            File.Delete(stale);
        }

        var runToken = fleet.Token ?? Secrets.NewToken();
        var local = fleet.Listen is null;
        var clock = local ? fleet.Clock : ClockMethod.Own;
        await using var coordinator = Coordinator.Listen(fleet.Listen ?? new IPEndPoint(IPAddress.Loopback, 0), fleet.Agents, runToken,
            refused => context.Progress.Message($"  {name}: refused an agent: {refused}"));
        var processes = new List<AgentProcess>();
        try
        {
            if (local)
            {
                for (var k = 0; k < fleet.Agents; k++)
                {
                    processes.Add(AgentProcess.StartPush(k, coordinator.Endpoint, runToken));
                }
            }
            else
            {
                context.Progress.Message(string.Create(inv, $"  {name}: listening on {coordinator.Endpoint} for {fleet.Agents} agents ") +
                    (fleet.Token is null ? $"(token {runToken})" : "(token from $BENCH_TOKEN)"));
            }

            // Registration: every agent, or those that came within the wait (on this machine, until the missing have exited).
            var missingGone = local
                ? Task.Run(async () =>
                {
                    while (!ct.IsCancellationRequested)
                    {
                        var connected = coordinator.Connected();
                        if (processes.Where(p => !connected.Contains(p.Index)).All(p => p.Exited.IsCompleted))
                        {
                            return;
                        }

                        await Task.Delay(200, ct).ConfigureAwait(false);
                    }
                }, ct)
                : Task.Delay(Timeout.Infinite, ct);
            var links = await coordinator.WaitForAgentsAsync(fleet.Wait, missingGone, ct).ConfigureAwait(false);
            var failures = new SortedDictionary<int, string>();
            foreach (var k in Enumerable.Range(0, fleet.Agents).Where(k => links.All(l => l.Index != k)))
            {
                var process = processes.FirstOrDefault(p => p.Index == k);
                failures[k] = process is { Exited.IsCompleted: true }
                    ? $"exited with {Describe(process.Exited.Result)} before it connected{process.StderrTail()}"
                    : string.Create(inv, $"never connected within {fleet.Wait.TotalSeconds:0} s");
            }

            if (links.Count == 0)
            {
                throw new TargetFailedException($"{name}: no agent connected: {Failures(failures)}");
            }

            // Each agent is told its share; the target is to count the subscribers of the agents that came.
            var expected = links.Sum(l => AgentShare.Split(s.Subscribers, l.Index, fleet.Agents).Size);
            foreach (var link in links)
            {
                var assignment = new AgentAssignment
                {
                    RunId = fleet.RunId,
                    Index = link.Index,
                    Count = fleet.Agents,
                    Transport = transport.Name,
                    TargetUrl = file?.PublishUrl ?? target!.Url,
                    HubToken = file is null ? hubToken : "",
                    TargetPid = local ? target?.ProcessId : null,
                    TargetFile = file?.Assigned,
                    Stream = file?.Stream,
                    Clock = ClockMethods.Name(clock),
                    RatePerSec = Math.Max(1, s.RatePerSec),
                    Subscribers = s.Subscribers,
                    ExpectedSubscribers = expected,
                    PayloadBytes = s.PayloadBytes,
                    DurationMs = (long)s.Duration.TotalMilliseconds,
                    WarmupMs = (long)s.Warmup.TotalMilliseconds,
                    CostProbeMs = (long)s.CostProbe.TotalMilliseconds,
                    ReadyTimeoutMs = (long)(context.ReadyTimeout + TimeSpan.FromSeconds(30)).TotalMilliseconds,
                };
                await link.SendAssignmentAsync(assignment, ct).ConfigureAwait(false);
            }

            context.Progress.Message(string.Create(inv, $"  {name}: {links.Count} agents connecting {expected:N0} subscribers ") +
                $"({string.Join(", ", links.Select(l => Share(l.Index, s.Subscribers, fleet.Agents)))})");

            // Every agent says ready once the target counts all their subscribers; then all start at one moment.
            var readyBy = TimeSpan.FromSeconds(30) + (2 * context.ReadyTimeout);
            var allReady = Task.WhenAll(links.Select(l => l.Ready));
            var firstClosed = Task.WhenAny(links.Select(l => l.Closed));
            var done = await Task.WhenAny(allReady, firstClosed, Task.Delay(readyBy, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (done != allReady)
            {
                var closed = links.FirstOrDefault(l => l.Closed.IsCompleted);
                throw new TargetFailedException(closed is not null
                    ? $"{name}: agent {closed.Index} ({AgentRun.ShardFile(closed.Index)}): {closed.Closed.Result} before it was ready" +
                        Tail(processes, closed.Index)
                    : string.Create(inv, $"{name}: the agents were not all ready within {readyBy.TotalSeconds:0} s"));
            }

            var start = Stopwatch.GetTimestamp() + (long)(StartLead.TotalSeconds * Stopwatch.Frequency);
            var startLine = clock == ClockMethod.Shared
                ? "start " + start.ToString(inv)
                : "start in " + ((long)StartLead.TotalMilliseconds).ToString(inv);
            foreach (var link in links)
            {
                await link.SendAsync(startLine, ct).ConfigureAwait(false);
            }

            context.Progress.Message($"  {name}: all {links.Count} agents ready; load started");

            // Each connection ends with its shard, or is noticed at once when it drops (its read side).
            var limit = s.Warmup + s.Duration + s.CostProbe + s.DrainTimeout + TimeSpan.FromSeconds(60);
            var deadline = Task.Delay(limit, ct);
            await Task.WhenAll(links.Select(l => Task.WhenAny(l.Shard, l.Closed, deadline))).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (target?.HasExited == true)
            {
                throw target.DiedException(name);
            }

            var shards = new List<ShardMerge.Named>();
            foreach (var link in links)
            {
                if (link.Shard.IsCompleted)
                {
                    var path = Path.Combine(folder, AgentRun.ShardFile(link.Index));
                    if (Received(link.Index, link.Shard.Result, path, fleet) is { } problem)
                    {
                        failures[link.Index] = problem;
                    }
                    else
                    {
                        shards.Add(new ShardMerge.Named(path, ResultsJson.ReadShard(path)));
                    }
                }
                else if (link.Closed.IsCompleted)
                {
                    var into = (link.ClosedAt - start) / (double)Stopwatch.Frequency;
                    failures[link.Index] = string.Create(inv, $"{link.Closed.Result} {into:0.0} s into the run") +
                        Tail(processes, link.Index);
                }
                else
                {
                    failures[link.Index] = string.Create(inv, $"sent no shard within {limit.TotalSeconds:0} s") +
                        Tail(processes, link.Index);
                }
            }

            if (shards.Count == 0)
            {
                throw new TargetFailedException($"{name}: no agent sent a shard: {Failures(failures)}");
            }

            var merged = ShardMerge.Merge(shards);
            merged = file?.Noted(merged, fleet.Agents) ?? merged;
            if (AgentCapacity.Of(merged) is { } capacity)
            {
                context.Progress.Message($"  {name}: {capacity.Describe()}");
            }
            if (failures.Count > 0)
            {
                throw new AgentsFailedException($"{name}: {Failures(failures)}; the report is the other agents' shards", merged);
            }

            return merged;
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }
        }
    }

    /// <summary>Writes a received shard to <paramref name="path"/> and checks it is agent <paramref name="index"/>'s of this run.</summary>
    private static string? Received(int index, byte[] body, string path, FleetOptions fleet)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, body);
        File.Move(temp, path, overwrite: true);
        string? problem;
        try
        {
            var shard = ResultsJson.ReadShard(path);
            problem = shard.RunId != fleet.RunId || shard.Index != index || shard.Count != fleet.Agents
                ? $"sent the shard of another agent or run (run {shard.RunId}, index {shard.Index} of {shard.Count})"
                : null;
        }
        catch (InvalidDataException e)
        {
            problem = "sent a shard Bench cannot read: " + e.Message;
        }

        if (problem is not null)
        {
            File.Delete(path);
        }

        return problem;
    }

    private static string Failures(SortedDictionary<int, string> failures) => string.Join("; ", failures.Select(f =>
        $"agent {f.Key.ToString(CultureInfo.InvariantCulture)} ({AgentRun.ShardFile(f.Key)}): {f.Value}"));

    private static string Tail(List<AgentProcess> processes, int index) =>
        processes.FirstOrDefault(p => p.Index == index)?.StderrTail() ?? "";

    private static string Share(int index, int total, int count)
    {
        var (first, size) = AgentShare.Split(total, index, count);
        return string.Create(CultureInfo.InvariantCulture, $"agent {index}: {first:N0}–{first + size - 1:N0}");
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
