using Bench.Harness;
using Bench.Harness.Transports;
using Bench.Reports.Model;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// Faults over real processes and sockets, with exact accounting: who loses what, and that a WebSocket subscriber
/// without resume loses exactly the events the hub itself recorded it could not hand over.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FaultTests : IDisposable
{
    private readonly RunHarness harness = new();

    public void Dispose() => harness.Dispose();

    private async Task<IReadOnlyList<ScenarioResult>> RunFaultAsync(string fault, params string[] variants)
    {
        var plan = harness.Plan(
            "faults", p => p with { Faults = [fault], Subscribers = 4, Variants = variants, Warmup = null, Duration = null });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.All(run.Results, r => Assert.NotNull(r.Resilience));
        Assert.Empty(TargetProcesses.Children());
        return run.Results;
    }

    private static ScenarioResult Of(IReadOnlyList<ScenarioResult> results, string transport, string variant) =>
        results.Single(r => r.Transport == transport && r.Variant == variant);

    [Theory]
    [InlineData("drop")]
    [InlineData("outage")]
    [InlineData("blackhole")]
    public async Task Without_resume_websocket_loses_exactly_what_was_published_while_away_while_resume_and_webhooks_lose_nothing(
        string fault)
    {
        var results = await RunFaultAsync(fault, "default", "resume");

        var plain = Of(results, "websocket", "default");
        Assert.True(plain.Counts.Lost > 0, "a subscriber without resume misses what is published while it is away");
        Assert.Equal(plain.Resilience!.PublishedWhileAway, plain.Counts.Lost);
        Assert.True(plain.Resilience.ReconnectAttempts >= 4);
        Assert.NotNull(plain.Resilience.DetectMs);
        Assert.NotNull(plain.Resilience.RecoverMs);

        var resumed = Of(results, "websocket", "resume");
        Assert.Equal(0, resumed.Counts.Lost);
        Assert.Equal(resumed.Counts.Sent * 4, resumed.Counts.Delivered);

        var webhook = Of(results, "webhook", "default");
        Assert.Equal(0, webhook.Counts.Lost);
        Assert.Equal(webhook.Counts.Sent * 4, webhook.Counts.Delivered);
    }

    [Fact]
    public async Task A_slow_subscriber_loses_nothing_and_webhook_timeouts_shorter_than_processing_make_duplicates()
    {
        var results = await RunFaultAsync("slow", "default");

        Assert.All(results, r => Assert.Equal(0, r.Counts.Lost));
        var webhook = Of(results, "webhook", "default");
        Assert.True(webhook.Counts.Duplicated > 0, "the dispatcher times out before the slow receiver answers, and sends again");
        Assert.True(webhook.Resilience!.WebhookRetries >= webhook.Counts.Duplicated);
        Assert.Equal(0, Of(results, "websocket", "default").Counts.Duplicated);
    }

    [Fact]
    public async Task Under_restart_the_durable_outbox_loses_nothing_and_refused_publishes_are_not_counted_as_lost()
    {
        var plan = harness.Plan("faults", p => p with
        {
            Faults = ["restart"],
            Transports = [TransportCatalog.Webhook],
            Variants = ["default"],
            Subscribers = 4,
            Warmup = null,
            Duration = null,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);
        Assert.Equal(0, r.Counts.Lost);
        Assert.True(r.Counts.Rejected > 0, "publishes while the dispatcher was down are refused");
        Assert.True(r.Counts.Delivered + (r.Counts.Rejected * 4) >= r.Counts.Sent * 4);
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task Under_restart_subscribers_resuming_from_the_durable_replay_log_lose_nothing_over_grpc_and_sse()
    {
        var plan = harness.Plan("faults", p => p with
        {
            Faults = ["restart"],
            Transports = [TransportCatalog.Grpc, TransportCatalog.Sse],
            Variants = ["durable"],
            Subscribers = 4,
            Warmup = null,
            Duration = null,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(TargetProcesses.Children());
        foreach (var transport in new[] { "grpc", "sse" })
        {
            var r = Of(run.Results, transport, "durable");
            Assert.Equal(0, r.Counts.Lost);
            Assert.Equal(0, r.Counts.Duplicated);
            Assert.Equal(0, r.Counts.OutOfOrder);
            Assert.True(r.Counts.Rejected > 0, "publishes while the hub was down are refused");

            // Every accepted event (acknowledged, or received by anyone) reached all 4 subscribers exactly once. Sent counts
            // what the publisher put on its socket: the few in flight when the hub was killed were never accepted.
            Assert.Equal(0, r.Counts.Delivered % 4);
            Assert.InRange(r.Counts.Sent - (r.Counts.Delivered / 4), 0, 50);
            Assert.Contains("survive a hub crash", r.Guarantee, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_overloaded_receiver_answering_503_with_retry_after_loses_nothing_and_streaming_transports_declare_it_n_a()
    {
        var results = await RunFaultAsync("overload", "default");

        var webhook = Of(results, "webhook", "default");
        Assert.Equal(0, webhook.Counts.Lost);
        Assert.Equal(webhook.Counts.Sent * 4, webhook.Counts.Delivered);
        Assert.True(webhook.Resilience!.WebhookRetries > 0, "every 503 is retried");
        Assert.True(
            webhook.ErrorsByKind.Where(kv => kv.Key.Contains("503", StringComparison.Ordinal)).Sum(kv => kv.Value) > 0,
            "the receivers answered 503");
        Assert.Contains("no status code", Of(results, "websocket", "default").NotApplicable, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storm_watches_every_subscriber_come_back_and_the_backlog_drain()
    {
        // 40 subscribers, not 5,000: the mechanics, not the scale, at test speed.
        var plan = harness.Plan(
            "faults", p => p with { Faults = ["storm"], Subscribers = 40, Variants = ["default"], Warmup = null, Duration = null });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        foreach (var r in run.Results)
        {
            var storm = r.Resilience!.Storm!;
            Assert.Equal(40, storm.Subscribers);
            Assert.NotNull(storm.AllBackMs);
            Assert.True(storm.Points.Count > 50, "sampled every 200 ms over the run");
            Assert.True(storm.PeakAttemptsPerSec > 0, "reconnects or retries were seen");
        }

        var ws = Of(run.Results, "websocket", "default").Resilience!.Storm!;
        Assert.Equal("connected", ws.Watched);
        Assert.Contains(ws.Points, p => p.Value == 0);
        Assert.Equal(40, ws.Points[^1].Value);
        var webhook = Of(run.Results, "webhook", "default");
        Assert.Equal("pending", webhook.Resilience!.Storm!.Watched);
        Assert.Equal(0, webhook.Counts.Lost);
        Assert.True(File.Exists(Path.Combine(harness.Directory, "charts", "faults-storm-subscribers.png")));
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task A_fault_runs_its_proxy_as_a_child_process_gone_afterwards_and_the_accounting_stays_exact()
    {
        var plan = harness.Plan("faults", p => p with
        {
            Faults = ["drop"],
            Transports = [TransportCatalog.WebSocket, TransportCatalog.Webhook],
            Variants = ["default", "resume"],
            Subscribers = 4,
            Warmup = null,
            Duration = null,
        });
        var proxies = new System.Collections.Concurrent.ConcurrentDictionary<int, byte>();
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                foreach (var pid in TargetProcesses.Children())
                {
                    try
                    {
                        if (File.ReadAllText($"/proc/{pid}/cmdline").Contains("\0proxy\0--control\0", StringComparison.Ordinal))
                        {
                            proxies.TryAdd(pid, 0);
                        }
                    }
                    catch (IOException)
                    {
                        // It ended while being read.
                    }
                }

                await Task.Delay(50);
            }
        });

        var (code, run) = await harness.RunAsync(plan);
        await watching.CancelAsync();
        await watcher;

        Assert.Equal(ExitCodes.Ok, code);

        // One proxy process a case (websocket, websocket resume, webhook), none of them this process, none left.
        Assert.Equal(3, proxies.Count);
        Assert.DoesNotContain(Environment.ProcessId, proxies.Keys);
        Assert.Empty(TargetProcesses.Children());

        var plain = Of(run.Results, "websocket", "default");
        Assert.True(plain.Counts.Lost > 0, "reset_peer went through the proxy's process: what is published while away is missed");
        Assert.Equal(plain.Resilience!.PublishedWhileAway, plain.Counts.Lost);
        var resumed = Of(run.Results, "websocket", "resume");
        Assert.Equal(0, resumed.Counts.Lost);
        Assert.Equal(resumed.Counts.Sent * 4, resumed.Counts.Delivered);
        var webhook = Of(run.Results, "webhook", "default");
        Assert.Equal(0, webhook.Counts.Lost);
        Assert.Equal(webhook.Counts.Sent * 4, webhook.Counts.Delivered);
    }
}
