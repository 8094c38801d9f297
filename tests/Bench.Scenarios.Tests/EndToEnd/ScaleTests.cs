using Bench.Harness;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>The scale and cost scenarios over real targets on loopback: exact counts, not speed.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScaleTests : IDisposable
{
    private readonly RunHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Connections_hold_a_few_hundred_subscribers_and_every_broadcast_reaches_each_exactly_once()
    {
        var plan = harness.Plan("connections", p => p with { Connections = 300, Duration = TimeSpan.FromSeconds(1) });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(["websocket", "webhook"], run.Results.Select(r => r.Transport));
        foreach (var r in run.Results)
        {
            var c = r.Connections!;
            Assert.Equal((300, 0), (c.Subscribers, c.Failed));
            Assert.Equal([100, 300], c.Memory.Select(m => m.Subscribers));

            // 10 broadcasts at each size: 10 × 100 + 10 × 300 deliveries, every broadcast complete.
            Assert.Equal([(100, 10, 0L), (300, 10, 0L)], c.FanOut.Select(f => (f.Subscribers, f.Broadcasts, f.Incomplete)));
            Assert.Equal(20, r.Counts.Sent);
            Assert.Equal(4_000, r.Counts.Delivered);
            Assert.Equal((0, 0, 0), (r.Counts.Lost, r.Counts.Duplicated, r.Counts.Errors));
            Assert.All(c.FanOut, f => Assert.True(f.P50Us > 0 && f.P99Us >= f.P50Us && f.MaxUs >= f.P99Us));
            Assert.True(c.Memory[^1].RssMiB > 0 && c.Memory[^1].ManagedMiB > 0);
            Assert.True(c.IdleSec == 1 && c.IdleCpuPercent >= 0);
        }

        Assert.NotNull(run.Results[0].Connections!.ConnectP50Us);
        Assert.Null(run.Results[1].Connections!.ConnectP50Us);
        Assert.True(File.Exists(Path.Combine(harness.Directory, "charts", "connections.png")));
        Assert.Contains(
            "## connections", await File.ReadAllTextAsync(Path.Combine(harness.Directory, "report.md")), StringComparison.Ordinal);
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task Overhead_counts_bytes_for_every_delivery_and_handshakes_apart()
    {
        var plan = harness.Plan("overhead", p => p with
        {
            PayloadBytes = 64,
            Variants = ["default", "tls"],
            Subscribers = 4,
            RatePerSec = 50,
            Duration = TimeSpan.FromSeconds(1),
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(
            ["websocket/default", "websocket/tls", "webhook/default", "webhook/tls"],
            run.Results.Select(r => r.Transport + "/" + r.Variant));
        foreach (var r in run.Results)
        {
            var w = r.Wire!;
            Assert.Equal(64, w.PayloadBytes);

            // 50/s over 0.5 s of warm-up and 1 s measured: 75 events, each to 4 subscribers.
            Assert.Equal(300, w.Events);
            Assert.Equal(200, r.Counts.Delivered);
            Assert.True(
                w.ToSubscriberBytesPerEvent >= w.EnvelopeBytes + 2,
                $"{r.Transport}/{r.Variant}: {w.ToSubscriberBytesPerEvent} B per event carries a {w.EnvelopeBytes}-byte body");
            Assert.Equal(4, w.Connections);
            Assert.True(w.TargetCpuUsPerEvent > 0);
        }

        var plainWebhook = run.Results.Single(r => r.Transport == "webhook" && r.Variant == "default").Wire!;
        var tlsWebhook = run.Results.Single(r => r.Transport == "webhook" && r.Variant == "tls").Wire!;
        Assert.Equal(0, plainWebhook.HandshakeBytesPerConnection);
        Assert.True(tlsWebhook.HandshakeBytesPerConnection > 500, "a TLS handshake carries a certificate");
        Assert.True(
            run.Results.Single(r => r.Transport == "websocket" && r.Variant == "default").Wire!.HandshakeBytesPerConnection > 100,
            "the WebSocket upgrade is a handshake");
        Assert.True(File.Exists(Path.Combine(harness.Directory, "charts", "overhead-bytes.png")));
        Assert.Empty(TargetProcesses.Children());
    }
}
