using Bench.Harness;
using Bench.Harness.TargetFiles;
using Bench.Harness.Transports;
using Bench.Scenarios.Tests.Cli;
using Microsoft.AspNetCore.Builder;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// Bench against servers it did not write, through target files only: the example broadcast server (WebSocket and SSE,
/// its own JSON envelope) and a SignalR chat hub written as the documentation shows, on Kestrel on loopback.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TargetFileRunTests : IAsyncLifetime, IDisposable
{
    private readonly RunHarness harness = new();
    private WebApplication? broadcast;
    private WebApplication? chat;

    private string BroadcastUrl => broadcast!.Urls.First();

    private string ChatUrl => chat!.Urls.First();

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("BENCH_TEST_WEBHOOK_SECRET", Bench.Targets.Webhooks.WebhookSignature.NewSecret());
        broadcast = BroadcastServer.BroadcastApp.Create("http://127.0.0.1:0");
        chat = SignalRChat.ChatApp.Create("http://127.0.0.1:0");
        await broadcast.StartAsync();
        await chat.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await broadcast!.DisposeAsync();
        await chat!.DisposeAsync();
    }

    public void Dispose() => harness.Dispose();

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(harness.Directory, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private string BroadcastWebSocket(string envelope = "$.payload", string? url = null) => Write("broadcast-ws", $$$"""
        name: broadcast-ws
        transport: websocket
        publish: { http: { url: "{{{url ?? BroadcastUrl}}}/publish", body: '{"topic":"{stream}","data":{event}}' } }
        subscribe: { url: "{{{BroadcastUrl.Replace("http", "ws", StringComparison.Ordinal)}}}/ws?topic={stream}" }
        envelope: { json: "{{{envelope}}}" }
        rtt: { url: "{{{BroadcastUrl.Replace("http", "ws", StringComparison.Ordinal)}}}/echo" }
        """);

    private string BroadcastSse() => Write("broadcast-sse", $$$"""
        name: broadcast-sse
        transport: sse
        publish: { http: { url: "{{{BroadcastUrl}}}/publish", body: '{"topic":"{stream}","data":{event}}' } }
        subscribe: { url: "{{{BroadcastUrl}}}/events?topic={stream}" }
        envelope: { json: $.payload }
        """);

    private string Chat() => Write("signalr-chat", $$$"""
        name: signalr-chat
        transport: signalr
        publish: { http: { url: "{{{ChatUrl}}}/rooms/{stream}/messages", body: '{"user":"bench","message":{eventString}}' } }
        subscribe: { url: "{{{ChatUrl}}}/chat", method: JoinRoom, args: ["{stream}"], event: ReceiveMessage }
        envelope: { json: $.1 }
        """);

    private string BroadcastWebhook() => Write("broadcast-webhook", $$$"""
        name: broadcast-webhook
        transport: webhook
        publish: { http: { url: "{{{BroadcastUrl}}}/publish", body: '{"topic":"{stream}","data":{event}}' } }
        subscribe:
          register: { http: { url: "{{{BroadcastUrl}}}/webhooks", body: '{"url":"{receiver}","topic":"{stream}","secret":"{secret}"}' } }
          signing: standard-webhooks
          secret: ${env:BENCH_TEST_WEBHOOK_SECRET}
        envelope: { json: $.payload }
        """);

    private static IReadOnlyList<ITransport> Load(params string[] paths) => [.. paths.Select(p => new FileTransport(TargetFile.Load(p)))];

    [Fact]
    public async Task Push_through_target_files_delivers_each_event_to_each_subscriber_of_independent_servers_exactly_once()
    {
        var files = new[] { BroadcastWebSocket(), BroadcastSse(), Chat(), BroadcastWebhook() };
        foreach (var file in files)
        {
            await TargetPreflight.CheckAsync(TargetFile.Load(file), CancellationToken.None);
        }

        var plan = harness.Plan("push", p => p with { Transports = Load(files), Subscribers = 3 });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(["broadcast-ws", "broadcast-sse", "signalr-chat", "broadcast-webhook"], run.Results.Select(r => r.Transport));
        Assert.All(run.Results, r =>
        {
            Assert.True(r.Counts.Sent > 0, r.Transport);
            Assert.Equal(r.Counts.Sent * 3, r.Counts.Delivered);
            Assert.Equal((0L, 0L, 0L), (r.Counts.Lost, r.Counts.Duplicated, r.Counts.OutOfOrder));
            Assert.Equal(r.Counts.Delivered, r.LatencyUs.Count);
            Assert.True(r.LatencyUs.P50 > 0 && r.Throughput.AchievedPerSec > 0, r.Transport);
            Assert.False(r.Target.Measured, "no process.pid: target CPU and memory are not measured");
            Assert.Contains(r.Warnings, w => w.Text.StartsWith("target CPU and memory not measured", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task One_report_compares_an_independent_server_with_the_reference_hub()
    {
        var plan = harness.Plan("rtt", p => p with { Transports = [.. Load(BroadcastWebSocket()), TransportCatalog.WebSocket] });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(["broadcast-ws", "websocket"], run.Results.Select(r => r.Transport));
        Assert.All(run.Results, r => Assert.Equal((r.Counts.Sent, 0L), (r.Counts.Delivered, r.Counts.Errors)));
        var report = await File.ReadAllTextAsync(Path.Combine(harness.Directory, "report.md"));
        Assert.Contains("| scenario | metric | broadcast-ws | websocket (reference) | best |", report, StringComparison.Ordinal);
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task A_publish_URL_nobody_listens_on_exits_2_naming_publish_http()
    {
        var file = BroadcastWebSocket(url: "http://127.0.0.1:1");

        var (code, stderr) = await ConsoleCapture.RunAsync(
            ["run", "push", "--target", file, "--out", Path.Combine(harness.Directory, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{file}: publish.http: could not reach http://127.0.0.1:1/publish", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_without_the_envelope_at_its_path_exit_2_naming_envelope_json()
    {
        var file = BroadcastWebSocket(envelope: "$.data");

        var (code, stderr) = await ConsoleCapture.RunAsync(
            ["run", "push", "--target", file, "--out", Path.Combine(harness.Directory, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{file}: envelope.json: a message arrived, but the message has no $.data", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_goes_away_during_the_run_exits_4_and_what_was_measured_stays_on_disk()
    {
        var file = BroadcastWebSocket();
        var directory = Path.Combine(harness.Directory, "dies");
        var run = ConsoleCapture.RunAsync(
            ["run", "push", "--target", file, "--warmup", "0s", "--duration", "30s", "--subscribers", "2", "--out", directory]);
        var results = Path.Combine(directory, "results.json");
        for (var i = 0; i < 100 && !File.Exists(results); i++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1500);
        await broadcast!.StopAsync();

        var (code, stderr) = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.RunFailed, code);
        Assert.Contains("broadcast-ws: publish.http stopped answering", stderr, StringComparison.Ordinal);
        var written = Bench.Reports.Json.ResultsJson.Read(results);
        Assert.Equal("failed", written.Status);
        Assert.True(File.Exists(Path.Combine(directory, "report.md")));
    }

    [Fact]
    public async Task Faults_go_through_a_proxy_in_front_of_the_file_s_subscribers_and_a_restart_is_n_a()
    {
        var plan = harness.Plan("faults", p => p with
        {
            Transports = Load(BroadcastWebSocket()),
            Faults = ["drop", "restart"],
            Subscribers = 3,
            Warmup = null,
            Duration = null,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var drop = run.Results.Single(r => r.Resilience!.Fault == "drop");
        Assert.True(drop.IsMeasured);
        Assert.True(drop.Resilience!.ReconnectAttempts >= 3, "every subscriber connection through the proxy was reset and reconnected");
        Assert.Equal(drop.Counts.Sent * 3, drop.Counts.Delivered + drop.Counts.Lost);
        var restart = run.Results.Single(r => r.Resilience!.Fault == "restart");
        Assert.Equal("a system Bench did not start is not Bench's to restart", restart.NotApplicable);
    }

    [Fact]
    public async Task Overhead_counts_a_target_file_s_bytes_on_Bench_s_side_and_leaves_its_CPU_not_measured()
    {
        var plan = harness.Plan(
            "overhead", p => p with { Transports = Load(BroadcastWebSocket(), BroadcastWebhook()), PayloadBytes = 1024, Subscribers = 3 });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.All(run.Results, r =>
        {
            var w = r.Wire!;
            Assert.Equal(r.Counts.Sent * 3, r.Counts.Delivered);

            // The server wraps Bench's envelope (about the payload + 100 B) in its own message, which the subscriber reads
            // whole; the wire adds its framing (a WebSocket header, or an HTTP request's head) and nothing else.
            Assert.InRange(w.EnvelopeBytes, 1024 + 120, 1024 + 400);
            Assert.InRange(w.ToSubscriberBytesPerEvent, w.EnvelopeBytes + 2, w.EnvelopeBytes + 500);
            Assert.Null(w.TargetCpuUsPerEvent);
        });
        var report = await File.ReadAllTextAsync(Path.Combine(harness.Directory, "report.md"));
        Assert.Contains("not measured", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_against_a_target_file_time_the_fan_out_and_leave_memory_and_CPU_not_measured()
    {
        var plan = harness.Plan("connections", p => p with { Transports = Load(BroadcastSse()), Connections = 150 });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var c = Assert.Single(run.Results).Connections!;
        Assert.Equal((150, 0), (c.Subscribers, c.Failed));
        Assert.Equal([100, 150], c.FanOut.Select(f => f.Subscribers));
        Assert.All(c.FanOut, f => Assert.True(f.P50Us > 0 && f.Incomplete == 0));
        Assert.Empty(c.Memory);
        Assert.Null(c.IdleCpuPercent);
    }
}
