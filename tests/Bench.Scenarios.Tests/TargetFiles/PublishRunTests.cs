using Bench.Harness;
using Bench.Harness.TargetFiles;
using Bench.Reports.Warnings;
using Bench.Scenarios.Tests.Cli;
using Bench.Scenarios.Tests.EndToEnd;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>
/// Systems that take their events as they take them: over a kept WebSocket (examples/BroadcastServer's
/// <c>/publisher</c>), by invoking a hub method (examples/SignalRChat's <c>SendMessage</c>), or re-wrapped in fields of
/// their own (BroadcastServer's <c>/notifications</c>). Each is pushed to through its example target file in
/// examples/targets only (pointed at the servers' loopback ports), with exact accounting.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PublishRunTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Subscribers = 3;
    private readonly RunHarness harness = new();
    private WebApplication? broadcast;
    private WebApplication? chat;

    private string BroadcastUrl => broadcast!.Urls.First();

    private string BroadcastWs => BroadcastUrl.Replace("http", "ws", StringComparison.Ordinal);

    private string ChatUrl => chat!.Urls.First();

    public async Task InitializeAsync()
    {
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

    /// <summary>An example of examples/targets, pointed at this test's servers instead of the ports it documents.</summary>
    private string Example(string name, string? change = null, string? to = null)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "examples", "targets", name + ".yaml"))
            .Replace("127.0.0.1:5080", new Uri(BroadcastUrl).Authority, StringComparison.Ordinal)
            .Replace("127.0.0.1:5090", new Uri(ChatUrl).Authority, StringComparison.Ordinal);
        if (change is not null)
        {
            Assert.Contains(change, text, StringComparison.Ordinal);
            text = text.Replace(change, to, StringComparison.Ordinal);
        }

        var path = Path.Combine(harness.Directory, name + ".yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static string RepoRoot()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        while (here is not null && !File.Exists(Path.Combine(here.FullName, "Bench.sln")))
        {
            here = here.Parent;
        }

        return here?.FullName ?? throw new InvalidOperationException("Bench.sln not found above the test folder");
    }

    [Fact]
    public async Task Push_through_each_publish_kind_delivers_each_event_to_each_subscriber_exactly_once()
    {
        var files = new[] { Example("broadcast-websocket-publish"), Example("signalr-chat-publish"), Example("broadcast-notifications") };
        foreach (var file in files)
        {
            await TargetPreflight.CheckAsync(TargetFile.Load(file), CancellationToken.None);
        }

        var transports = files.Select(f => new FileTransport(TargetFile.Load(f))).ToList();
        var plan = harness.Plan("push", p => p with { Transports = transports, Subscribers = Subscribers });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(["broadcast-ws-publish", "signalr-chat-publish", "broadcast-notifications"], run.Results.Select(r => r.Transport));
        Assert.All(run.Results, r =>
        {
            Assert.True(r.Counts.Sent > 0, r.Transport);
            Assert.Equal((r.Counts.Sent * Subscribers, 0L, 0L), (r.Counts.Delivered, r.Counts.Lost, r.Counts.Duplicated));
            Assert.Equal((0L, 0L), (r.Counts.OutOfOrder, r.Counts.Rejected));
            Assert.Equal(r.Counts.Delivered, r.LatencyUs.Count);
            Assert.DoesNotContain(r.Warnings, w => w.Kind == WarningKinds.PublisherReconnects);
        });
        output.WriteLine(string.Join("; ", run.Results.Select(r =>
            $"{r.Transport}: sent {r.Counts.Sent}, delivered {r.Counts.Delivered}, "
            + $"lost {r.Counts.Lost}, duplicated {r.Counts.Duplicated}")));
    }

    [Fact]
    public async Task A_publish_websocket_nobody_listens_on_fails_the_preflight_naming_it()
    {
        var file = TargetFile.Load(Example("broadcast-websocket-publish", "/publisher", "/nothing-here"));

        var e = await Assert.ThrowsAsync<TargetFileException>(() => TargetPreflight.CheckAsync(file, CancellationToken.None));

        var expected = $"{file.Path}: publish.websocket: could not connect to {BroadcastWs}/nothing-here";
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_method_the_hub_does_not_have_fails_the_preflight_naming_publish_signalr()
    {
        var file = TargetFile.Load(Example("signalr-chat-publish", "method: SendMessage", "method: Shout"));

        var e = await Assert.ThrowsAsync<TargetFileException>(() => TargetPreflight.CheckAsync(file, CancellationToken.None));

        var expected = $"{file.Path}: publish.signalr: the publish request was refused (hub_error)";
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        output.WriteLine(e.Message);
    }

    [Fact]
    public async Task A_mapped_field_the_messages_do_not_have_exits_2_naming_it()
    {
        var file = Example("broadcast-notifications", "seq: $.notification.n", "seq: $.notification.seq");

        var output = Path.Combine(harness.Directory, "out");

        var (code, stderr) = await ConsoleCapture.RunAsync(["run", "push", "--target", file, "--out", output]);

        Assert.Equal(ExitCodes.Usage, code);
        var expected = $"{file}: envelope.seq: a message arrived, but the message has no $.notification.seq";
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
