using Bench.Reports.Model;
using Bench.Scenarios.Cli;
using Bench.Scenarios.Transports;

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
        var plan = harness.Plan("faults", p => p with { Faults = [fault], Subscribers = 4, Variants = variants, Warmup = null, Duration = null });

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
    public async Task Without_resume_websocket_loses_exactly_what_was_published_while_away_while_resume_and_webhooks_lose_nothing(string fault)
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
        var plan = harness.Plan("faults", p => p with { Faults = ["restart"], Transports = [TransportCatalog.Webhook], Variants = ["default"], Subscribers = 4, Warmup = null, Duration = null });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);
        Assert.Equal(0, r.Counts.Lost);
        Assert.True(r.Counts.Rejected > 0, "publishes while the dispatcher was down are refused");
        Assert.True(r.Counts.Delivered + (r.Counts.Rejected * 4) >= r.Counts.Sent * 4);
        Assert.Empty(TargetProcesses.Children());
    }
}
