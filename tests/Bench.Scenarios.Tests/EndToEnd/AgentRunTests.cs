using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bench.Harness;
using Bench.Harness.Transports;
using Bench.Reports.Json;
using Bench.Scenarios.Tests.Cli;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// <c>--agents</c> over real processes on loopback: agent processes started as a Kubernetes job's pods would be
/// (<c>BENCH_COORDINATOR</c>, <c>JOB_COMPLETION_INDEX</c>, <c>BENCH_TOKEN</c>), coordinated by the run, their shards sent
/// back and merged exactly; one killed mid-run, or one that never connects, leaves a report naming its shard, and exit 4.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AgentRunTests : IDisposable
{
    private readonly RunHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Push_over_three_agents_accounts_for_every_delivery_and_its_histogram_is_the_sum_of_the_shards()
    {
        var plan = harness.Plan(
            "push", p => p with { Transports = [TransportCatalog.WebSocket], RatePerSec = 60, Subscribers = 7, Agents = 3 });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);

        // 60/s for 2 s: 120 events, 40 from each agent, each due at all 7 subscribers (3 + 2 + 2 over the agents).
        Assert.Equal(new Reports.Model.DeliveryCounts(120, 840, 0, 0, 0, 0), r.Counts);
        Assert.Equal(840, r.LatencyUs.Count);
        Assert.Equal([3, 2, 2], r.Agents.Select(a => a.Subscribers));
        Assert.Equal([40L, 40, 40], r.Agents.Select(a => a.Published));
        Assert.Equal(("shared", 3), (r.Distribution!.Clock, r.Distribution.Agents));

        var folder = Path.Combine(harness.Directory, "agents", "push-websocket");
        var shards = Directory.GetFiles(folder, "shard-*.json").Order(StringComparer.Ordinal).Select(ResultsJson.ReadShard).ToList();
        Assert.Equal([0, 1, 2], shards.Select(s => s.Index));
        Assert.Equal(r.LatencyUs.Count, shards.Sum(s => s.Result.LatencyUs.Count));
        Assert.Equal(
            Reports.Histograms.HistogramCodec.Decode(r.LatencyUs.Histogram).TotalCount,
            shards.Sum(s => Reports.Histograms.HistogramCodec.Decode(s.Result.LatencyUs.Histogram).TotalCount));

        // bench merge of the same shards gives the same result.
        var merged = Path.Combine(harness.Directory, "merged");
        var (mergeCode, stderr) = await ConsoleCapture.RunAsync(["merge", folder, "--out", merged]);
        Assert.True(mergeCode == ExitCodes.Ok, stderr);
        var again = Assert.Single(ResultsJson.Read(Path.Combine(merged, "results.json")).Results);
        Assert.Equal((r.Counts, r.LatencyUs), (again.Counts, again.LatencyUs));
        Assert.True(File.Exists(Path.Combine(merged, "report.md")));
        Assert.Empty(AgentProcesses());
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task An_agent_killed_mid_run_gives_exit_4_a_report_naming_its_shard_and_the_others_kept()
    {
        var plan = harness.Plan("push", p => p with
        {
            Transports = [TransportCatalog.WebSocket],
            RatePerSec = 60,
            Subscribers = 6,
            Agents = 3,
            Duration = TimeSpan.FromSeconds(6),
        });
        var progress = new WatchedProgress();
        var started = progress.Message(m => m.Contains("agents ready; load started", StringComparison.Ordinal));
        var running = harness.RunAsync(plan, progress: progress);

        // Kill agent 1 a second into the load (waiting for the harness to say so: a fixed wait after the agents
        // appeared killed one still connecting on a loaded machine, which is another failure, reported otherwise).
        await started.WaitAsync(TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var victim = AgentProcesses().Single(a => a.Index == 1).Pid;
        using (var p = Process.GetProcessById(victim))
        {
            p.Kill();
        }

        var killed = Stopwatch.StartNew();
        var (code, run) = await running;

        // The coordinator notices the drop on the connection at once; the run ends when the others' shards are in.
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(60), $"the run ended {killed.Elapsed.TotalSeconds:0} s after the kill");
        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Equal("failed", run.Status);
        Assert.Contains("agent 1 (shard-1.json): connection closed", run.StatusMessage, StringComparison.Ordinal);
        Assert.Contains("s into the run", run.StatusMessage, StringComparison.Ordinal);
        var r = Assert.Single(run.Results);
        Assert.Equal([1], r.Distribution!.MissingShards);
        Assert.Equal([0, 2], r.Agents.Select(a => a.Index));
        Assert.Equal(0, r.Counts.Lost);
        Assert.Contains("shard 1 missing", File.ReadAllText(Path.Combine(harness.Directory, "report.md")), StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(harness.Directory, "agents", "push-websocket"), "shard-*.json").Length);
        Assert.Empty(AgentProcesses());
    }

    [Fact]
    public async Task An_agent_that_never_connects_is_named_and_the_run_goes_on_without_it()
    {
        // Listening on loopback for 2 agents started elsewhere; only agent 0 is started, with the environment a pod gets.
        var plan = harness.Plan("push", p => p with
        {
            Transports = [TransportCatalog.WebSocket],
            RatePerSec = 40,
            Subscribers = 4,
            Agents = 2,
            AgentsListen = new IPEndPoint(IPAddress.Loopback, 0),
            AgentsWait = TimeSpan.FromSeconds(10),
        });
        var progress = new WatchedProgress();
        string? listening = null;
        var heard = progress.Message(m =>
        {
            if (!m.Contains("listening on 127.0.0.1:", StringComparison.Ordinal))
            {
                return false;
            }

            listening = m;
            return true;
        });
        var running = harness.RunAsync(plan, progress: progress);
        await heard.WaitAsync(TimeSpan.FromSeconds(60));
        var words = listening!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var endpoint = words[Array.IndexOf(words, "on") + 1];
        var token = words[Array.IndexOf(words, "(token") + 1].TrimEnd(')');

        var (fileName, prefix) = Harness.Targets.ServeCommandLocator.Locate();
        var info = new ProcessStartInfo(fileName) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])[.. prefix, "agent", "push"])
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["BENCH_COORDINATOR"] = endpoint;
        info.Environment["JOB_COMPLETION_INDEX"] = "0";
        info.Environment["BENCH_TOKEN"] = token;
        using var agent = Process.Start(info)!;
        try
        {
            var stderr = agent.StandardError.ReadToEndAsync();
            var (code, run) = await running;
            await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(agent.ExitCode == ExitCodes.Ok, await stderr);
            Assert.Equal(ExitCodes.RunFailed, code);
            Assert.Contains("agent 1 (shard-1.json): never connected within 10 s", run.StatusMessage, StringComparison.Ordinal);
            var r = Assert.Single(run.Results);
            Assert.Equal([1], r.Distribution!.MissingShards);
            Assert.Equal(("own", 2), (r.Distribution.Clock, r.Distribution.Agents));
            Assert.Equal([0], r.Agents.Select(a => a.Index));
            Assert.Equal([2], r.Agents.Select(a => a.Subscribers));
            Assert.Equal(0, r.Counts.Lost);
            var shard = Assert.Single(Directory.GetFiles(Path.Combine(harness.Directory, "agents", "push-websocket"), "shard-*.json"));
            Assert.Equal("shard-0.json", Path.GetFileName(shard));
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill();
            }
        }
    }

    /// <summary>The agent processes this test process started (their index from the environment a pod would get).</summary>
    internal static List<(int Pid, int Index)> AgentProcesses()
    {
        var marker = "--parent-pid\0" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\0";
        var found = new List<(int, int)>();
        foreach (var pid in TargetProcesses.ChildrenOf(Environment.ProcessId))
        {
            try
            {
                var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                if (!cmdline.Contains("agent\0push\0", StringComparison.Ordinal) || !cmdline.Contains(marker, StringComparison.Ordinal))
                {
                    continue;
                }

                var index = File.ReadAllText($"/proc/{pid}/environ").Split('\0')
                    .First(e => e.StartsWith("JOB_COMPLETION_INDEX=", StringComparison.Ordinal))["JOB_COMPLETION_INDEX=".Length..];
                found.Add((pid, int.Parse(index, CultureInfo.InvariantCulture)));
            }
            catch (IOException)
            {
                // It ended while being read.
            }
        }

        return found;
    }
}
