using System.Diagnostics;
using System.Text.Json;
using Bench.Harness;
using Bench.Reports.Json;
using Bench.Reports.Model;
using Xunit.Abstractions;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// A distributed run across "hosts" that are not loopback: the example broadcast server, the coordinator
/// (<c>bench run push --agents 2 --agents-listen</c>) and two agents (<c>bench agent push</c>) each run in a network
/// namespace of their own, joined by veth pairs to a bridge in a further namespace (<see cref="NamespaceNetwork"/>), so
/// the target file's URLs, the agents' connections to the coordinator, the server's webhook deliveries to receivers bound
/// on each agent's own address and the <c>own</c> clock statement all go over a real kernel network path. Where
/// namespaces cannot be made (not root, or <c>ip netns add</c> refused) the test says so and returns: xunit 2 has no
/// skip decided while running.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NamespaceRunTests(ITestOutputHelper output) : IDisposable
{
    private const string Server = "10.231.0.10";
    private const string Coordinator = "10.231.0.11";
    private static readonly string[] Agents = ["10.231.0.20", "10.231.0.21"];

    /// <summary>The most one bench run (coordinator and agents) may take here before everything is killed.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(150);

    private readonly string directory = Directory.CreateTempSubdirectory("bench-netns-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Target_coordinator_and_two_agents_in_namespaces_of_their_own_account_for_every_event_over_veths()
    {
        var curl = new[] { "/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl" }.FirstOrDefault(File.Exists);
        if ((NamespaceNetwork.Unavailable() ?? (curl is null ? "no curl (the server is asked from a namespace with it)" : null))
            is { } why)
        {
            // Skipped, said in the test's output: this machine does not let the test make network namespaces (or has no curl).
            output.WriteLine("skipped: " + why);
            return;
        }

        var secret = Bench.Targets.Webhooks.WebhookSignature.NewSecret();
        using var net = NamespaceNetwork.Create(new Dictionary<string, string>
        {
            ["srv"] = Server,
            ["crd"] = Coordinator,
            ["a0"] = Agents[0],
            ["a1"] = Agents[1],
        });
        var server = net.Start("srv", "server", DotnetHost, [Path.Combine(AppContext.BaseDirectory, "BroadcastServer.dll"),
            $"http://{Server}:5080"], new Dictionary<string, string> { ["BROADCAST_WEBHOOK_NETWORKS"] = "10.231.0.0/24" });
        Assert.True(await server.WaitForAsync("broadcast server listening on", TimeSpan.FromSeconds(60)),
            "the broadcast server did not start: " + server.Output);

        // WebSocket: 40 events/s for 2 s, 20 a second from each agent, each due at all 4 subscribers (2 + 2).
        var ws = await RunAsync(net, "websocket", $$$"""
            name: ns-ws
            transport: websocket
            publish: { http: { url: "http://{{{Server}}}:5080/publish", body: '{"topic":"{stream}","data":{event}}' } }
            subscribe: { url: "ws://{{{Server}}}:5080/ws?topic={stream}" }
            envelope: { json: $.payload }
            """, secret);
        output.WriteLine("websocket warnings:\n" + string.Join("\n", ws.WarningTexts));
        Assert.Equal(new DeliveryCounts(80, 320, 0, 0, 0, 0), ws.Counts);
        Assert.Equal([2, 2], ws.Agents.Select(a => a.Subscribers));
        Assert.Equal([40L, 40], ws.Agents.Select(a => a.Published));
        Assert.Equal([160L, 160], ws.Agents.Select(a => a.Delivered));
        Assert.Equal("own", ws.Distribution!.Clock);

        // Own clocks: an agent times only the deliveries of its own events, 40 events × its 2 subscribers.
        Assert.Equal([80L, 80], ws.Agents.Select(a => a.Timed));
        Assert.Equal(160, ws.LatencyUs.Count);

        // Webhook: the server posts each event to the receivers each agent bound on its own address, read by each agent
        // from its own environment (subscribe.listen: ${env:BENCH_AGENT_ADDRESS}), every delivery signed and verified.
        var hook = await RunAsync(net, "webhook", $$$"""
            name: ns-webhook
            transport: webhook
            publish: { http: { url: "http://{{{Server}}}:5080/publish", body: '{"topic":"{stream}","data":{event}}' } }
            subscribe:
              register:
                http:
                  url: "http://{{{Server}}}:5080/webhooks"
                  body: '{"url":"{receiver}","topic":"{stream}","secret":"{secret}"}'
              signing: standard-webhooks
              secret: ${env:BENCH_NS_WEBHOOK_SECRET}
              listen: ${env:BENCH_AGENT_ADDRESS}
            envelope: { json: $.payload }
            """, secret);
        output.WriteLine("webhook warnings:\n" + string.Join("\n", hook.WarningTexts));
        Assert.Equal(new DeliveryCounts(80, 320, 0, 0, 0, 0), hook.Counts);
        Assert.Equal([2, 2], hook.Agents.Select(a => a.Subscribers));
        Assert.Equal([40L, 40], hook.Agents.Select(a => a.Published));
        Assert.Equal([160L, 160], hook.Agents.Select(a => a.Delivered));
        Assert.DoesNotContain("receiver_rejected_signature", hook.ErrorsByKind.Keys);
        Assert.Equal("own", hook.Distribution!.Clock);
        Assert.EndsWith("each agent hosted its receivers on the address ${env:BENCH_AGENT_ADDRESS} gave it and registered them",
            hook.Distribution.Publishing, StringComparison.Ordinal);

        // The server's view, asked from the coordinator's namespace: the run's topic holds 4 receivers, 2 on each agent's
        // address; the only other registration is the coordinator's preflight receiver, on its own address.
        var (code, listing) = net.Exec("crd", curl!, "-sS", "--max-time", "10", $"http://{Server}:5080/webhooks");
        Assert.True(code == 0, "GET /webhooks: " + listing);
        var topics = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(listing)!;
        output.WriteLine("registered: " + listing);
        var run = Assert.Single(topics.Values, urls => urls.Count == 4);
        Assert.Equal([Agents[0], Agents[0], Agents[1], Agents[1]], run.Select(u => new Uri(u).Host).Order(StringComparer.Ordinal));
        Assert.All(topics.Values.Where(urls => urls != run).SelectMany(u => u), u => Assert.Equal(Coordinator, new Uri(u).Host));
    }

    /// <summary>
    /// One <c>bench run push</c> over two agents: the coordinator in its namespace, listening on its address, each agent in
    /// its own, given what a pod would be (the coordinator's address, its index, the token, its own address); returns the
    /// merged case from results.json. Everything is killed if it takes longer than <see cref="RunLimit"/>.
    /// </summary>
    private async Task<ScenarioResult> RunAsync(NamespaceNetwork net, string name, string yaml, string secret)
    {
        var file = Path.Combine(directory, name + ".yaml");
        await File.WriteAllTextAsync(file, yaml);
        var folder = Path.Combine(directory, name);
        var token = Bench.Harness.Clients.Secrets.NewToken();
        var bench = Path.Combine(AppContext.BaseDirectory, "bench.dll");
        var watch = Stopwatch.StartNew();
        var coordinator = net.Start("crd", "coordinator", DotnetHost,
        [
            bench, "run", "push", "--agents", "2", "--agents-listen", $"{Coordinator}:7000", "--agents-wait", "60s",
            "--target", file, "--profile", "quick", "--duration", "2s", "--warmup", "1s", "--cost-probe", "0s",
            "--rate", "40", "--subscribers", "4", "--out", folder,
        ], new Dictionary<string, string>
        {
            ["BENCH_TOKEN"] = token,
            ["BENCH_NS_WEBHOOK_SECRET"] = secret,
            ["BENCH_AGENT_ADDRESS"] = Coordinator,
        });
        var agents = Agents.Select((address, k) => net.Start($"a{k}", $"agent {k}", DotnetHost, [bench, "agent", "push"],
            new Dictionary<string, string>
            {
                ["BENCH_COORDINATOR"] = $"{Coordinator}:7000",
                ["JOB_COMPLETION_INDEX"] = k.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["BENCH_TOKEN"] = token,
                ["BENCH_NS_WEBHOOK_SECRET"] = secret,
                ["BENCH_AGENT_ADDRESS"] = address,
            })).ToList();
        NamespaceProcess[] all = [coordinator, .. agents];
        var finished = Task.WhenAll(all.Select(p => p.Exited));
        var ended = await Task.WhenAny(finished, Task.Delay(RunLimit)) == finished;
        foreach (var p in all)
        {
            p.Dispose();
        }

        var said = string.Join("\n", all.Select(p => $"--- {p.Name}\n{p.Output}"));
        output.WriteLine($"{name}: {watch.Elapsed.TotalSeconds:0.0} s\n{said}");
        Assert.True(ended, $"{name}: not finished within {RunLimit.TotalSeconds:0} s; killed\n{said}");
        Assert.True(all.All(p => p.Exited.Result == ExitCodes.Ok), $"{name}: exit codes " +
            string.Join(", ", all.Select(p => $"{p.Name} {p.Exited.Result}")) + "\n" + said);
        Assert.Contains($"listening on {Coordinator}:7000 for 2 agents (token from $BENCH_TOKEN)", coordinator.Output,
            StringComparison.Ordinal);
        return Assert.Single(ResultsJson.Read(Path.Combine(folder, "results.json")).Results);
    }

    /// <summary>The dotnet host this test runs on (bench.dll and BroadcastServer.dll are run with it).</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";
}
