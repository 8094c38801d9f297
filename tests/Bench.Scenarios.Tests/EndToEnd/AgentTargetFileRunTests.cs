using Bench.Harness;
using Bench.Harness.TargetFiles;
using Bench.Reports.Json;
using Bench.Scenarios.Tests.Cli;
using Microsoft.AspNetCore.Builder;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// <c>bench run push --agents N --target FILE</c> on loopback: agent processes share the example broadcast server (its
/// own code, reached through a target file only) — each holds its share of the subscribers of one stream and publishes
/// its share of the rate through the file's publish kind; webhook agents host their receivers on loopback and register
/// them with the server. The merge accounts for every delivery exactly and the report says which side published.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AgentTargetFileRunTests : IAsyncLifetime, IDisposable
{
    private readonly RunHarness harness = new();
    private WebApplication? broadcast;

    private string BroadcastUrl => broadcast!.Urls.First();

    public async Task InitializeAsync()
    {
        // Agents inherit this process's environment, so they read the same secret from the file's ${env:…}.
        Environment.SetEnvironmentVariable("BENCH_TEST_WEBHOOK_SECRET", Bench.Targets.Webhooks.WebhookSignature.NewSecret());
        broadcast = BroadcastServer.BroadcastApp.Create("http://127.0.0.1:0");
        await broadcast.StartAsync();
    }

    public async Task DisposeAsync() => await broadcast!.DisposeAsync();

    public void Dispose() => harness.Dispose();

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(harness.Directory, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private string BroadcastWebSocket() => Write("broadcast-ws", $$$"""
        name: broadcast-ws
        transport: websocket
        publish: { http: { url: "{{{BroadcastUrl}}}/publish", body: '{"topic":"{stream}","data":{event}}' } }
        subscribe: { url: "{{{BroadcastUrl.Replace("http", "ws", StringComparison.Ordinal)}}}/ws?topic={stream}" }
        envelope: { json: $.payload }
        """);

    private string BroadcastWebhook(string listen = "") => Write("broadcast-webhook", $$$"""
        name: broadcast-webhook
        transport: webhook
        publish: { http: { url: "{{{BroadcastUrl}}}/publish", body: '{"topic":"{stream}","data":{event}}' } }
        subscribe:
          register: { http: { url: "{{{BroadcastUrl}}}/webhooks", body: '{"url":"{receiver}","topic":"{stream}","secret":"{secret}"}' } }
          signing: standard-webhooks
          secret: ${env:BENCH_TEST_WEBHOOK_SECRET}
        {{{listen}}}
        envelope: { json: $.payload }
        """);

    [Fact]
    public async Task Three_agents_share_a_websocket_target_file_s_subscribers_and_rate_and_every_delivery_is_accounted_for()
    {
        var file = BroadcastWebSocket();
        await TargetPreflight.CheckAsync(TargetFile.Load(file), CancellationToken.None);
        var plan = harness.Plan("push", p => p with
        {
            Transports = [new FileTransport(TargetFile.Load(file))],
            RatePerSec = 60,
            Subscribers = 7,
            Agents = 3,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);
        Assert.Equal("broadcast-ws", r.Transport);

        // 60/s for 2 s: 120 events, 40 published by each agent, each due at all 7 subscribers (3 + 2 + 2 over the agents).
        Assert.Equal(new Reports.Model.DeliveryCounts(120, 840, 0, 0, 0, 0), r.Counts);
        Assert.Equal([3, 2, 2], r.Agents.Select(a => a.Subscribers));
        Assert.Equal([40L, 40, 40], r.Agents.Select(a => a.Published));
        Assert.Equal([360L, 240, 240], r.Agents.Select(a => a.Delivered));
        Assert.Equal(840, r.LatencyUs.Count);
        Assert.StartsWith("all 3 agents published to broadcast-ws, each its share of the rate through publish.http",
            r.Distribution!.Publishing, StringComparison.Ordinal);
        var report = await File.ReadAllTextAsync(Path.Combine(harness.Directory, "report.md"));
        Assert.Contains("Publishing: all 3 agents published to broadcast-ws", report, StringComparison.Ordinal);

        // What every agent said alike is said once.
        var unmeasured = Assert.Single(r.Warnings, w => w.Text.Contains("target CPU and memory not measured", StringComparison.Ordinal));
        Assert.StartsWith("every agent: ", unmeasured.Text, StringComparison.Ordinal);

        var shards = Directory.GetFiles(Path.Combine(harness.Directory, "agents", "push-broadcast-ws"), "shard-*.json")
            .Order(StringComparer.Ordinal).Select(ResultsJson.ReadShard).ToList();
        Assert.Equal([0, 1, 2], shards.Select(s => s.Index));
        Assert.Empty(AgentRunTests.AgentProcesses());
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task Two_agents_host_and_register_their_share_of_a_webhook_target_file_s_receivers_and_every_delivery_is_verified()
    {
        var file = BroadcastWebhook();
        await TargetPreflight.CheckAsync(TargetFile.Load(file), CancellationToken.None);
        var plan = harness.Plan("push", p => p with
        {
            Transports = [new FileTransport(TargetFile.Load(file))],
            RatePerSec = 60,
            Subscribers = 5,
            Agents = 2,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);

        // 60/s for 2 s: 120 events, 60 from each agent, each delivered to all 5 receivers (3 + 2), signatures verified.
        Assert.Equal(new Reports.Model.DeliveryCounts(120, 600, 0, 0, 0, 0), r.Counts);
        Assert.Equal([3, 2], r.Agents.Select(a => a.Subscribers));
        Assert.Equal([60L, 60], r.Agents.Select(a => a.Published));
        Assert.Equal([360L, 240], r.Agents.Select(a => a.Delivered));
        Assert.DoesNotContain("receiver_rejected_signature", r.ErrorsByKind.Keys);
        Assert.EndsWith("each agent hosted its receivers on loopback and registered them", r.Distribution!.Publishing,
            StringComparison.Ordinal);
        Assert.Empty(AgentRunTests.AgentProcesses());
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task Webhook_agents_listen_where_subscribe_listen_says_and_register_that_address()
    {
        // 127.0.0.2 is loopback too (the tests send nothing beyond it), but not the default: every delivery arriving
        // shows that each agent bound its receivers there and registered URLs naming it.
        var file = BroadcastWebhook(listen: "  listen: 127.0.0.2");
        Assert.Equal("127.0.0.2", TargetFile.Load(file).Subscribe.Listen);
        var plan = harness.Plan("push", p => p with
        {
            Transports = [new FileTransport(TargetFile.Load(file))],
            RatePerSec = 40,
            Subscribers = 2,
            Agents = 2,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var r = Assert.Single(run.Results);
        Assert.Equal(new Reports.Model.DeliveryCounts(80, 160, 0, 0, 0, 0), r.Counts);
        Assert.Equal([1, 1], r.Agents.Select(a => a.Subscribers));
        Assert.EndsWith("each agent hosted its receivers on 127.0.0.2 and registered them", r.Distribution!.Publishing,
            StringComparison.Ordinal);
        Assert.Empty(AgentRunTests.AgentProcesses());
    }

    [Fact]
    public async Task A_file_agents_cannot_share_exits_2_naming_its_field()
    {
        var feed = Write("ticker", """
            name: ticker
            transport: websocket
            source: server
            subscribe: { url: "ws://127.0.0.1:1/ws/ticks" }
            sequence: $.seq
            """);
        var receiver = Write("fixed-receiver", """
            name: fixed-receiver
            transport: webhook
            publish: { http: { url: "http://127.0.0.1:1/publish" } }
            subscribe: { receiver: "http://127.0.0.1:1/hook", signing: none }
            envelope: { json: $.payload }
            """);

        var (feedCode, feedError) = await ConsoleCapture.RunAsync(
            ["run", "push", "--agents", "2", "--target", feed, "--out", Path.Combine(harness.Directory, "feed")]);
        var (receiverCode, receiverError) = await ConsoleCapture.RunAsync(
            ["run", "push", "--agents", "2", "--target", receiver, "--out", Path.Combine(harness.Directory, "receiver")]);

        Assert.Equal(ExitCodes.Usage, feedCode);
        Assert.Contains($"{feed}: source: server: a system that publishes on its own is measured by one process", feedError,
            StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, receiverCode);
        Assert.Contains($"{receiver}: subscribe.receiver: one fixed receiver URL cannot be shared by 2 agents", receiverError,
            StringComparison.Ordinal);
    }
}
