using Bench.Harness;
using Bench.Harness.Transports;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>Every transport through the same scenarios, over real processes and sockets, with exact accounting.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TransportTests : IDisposable
{
    private readonly RunHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Push_over_every_transport_delivers_each_event_to_each_subscriber_exactly_once()
    {
        var plan = harness.Plan("push", p => p with { Transports = TransportCatalog.All, Subscribers = 3 });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(["websocket", "signalr", "sse", "webhook", "grpc"], run.Results.Select(r => r.Transport));
        Assert.All(run.Results, r =>
        {
            Assert.True(r.Counts.Sent > 0, r.Transport);
            Assert.Equal(r.Counts.Sent * 3, r.Counts.Delivered);
            Assert.Equal((0L, 0L, 0L), (r.Counts.Lost, r.Counts.Duplicated, r.Counts.OutOfOrder));
            Assert.Equal(r.Counts.Delivered, r.LatencyUs.Count);
            Assert.False(string.IsNullOrEmpty(r.Guarantee), r.Transport);
        });
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task Rtt_over_gRPC_answers_every_exchange_on_the_hubs_HTTP_2_port()
    {
        var plan = harness.Plan("rtt", p => p with { Transports = [TransportCatalog.Grpc] });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var result = Assert.Single(run.Results);
        Assert.Equal(("grpc", (string?)null), (result.Transport, result.NotApplicable));
        Assert.True(result.Counts.Sent > 0);
        Assert.Equal(result.Counts.Sent, result.Counts.Delivered);
        Assert.Equal(0, result.Counts.Errors);
        Assert.Equal(result.Counts.Delivered, result.LatencyUs.Count);
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task Under_drop_gRPC_with_resume_after_seq_loses_nothing_and_without_it_loses_exactly_what_was_published_while_away()
    {
        var plan = harness.Plan("faults", p => p with
        {
            Faults = ["drop"],
            Transports = [TransportCatalog.Grpc],
            Subscribers = 4,
            Warmup = null,
            Duration = null,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(["grpc/default", "grpc/resume"], run.Results.Select(r => $"{r.Transport}/{r.Variant}"));
        var resumed = run.Results.Single(r => r.Variant == "resume");
        Assert.Equal((0L, 0L), (resumed.Counts.Lost, resumed.Counts.Duplicated));
        Assert.Equal(resumed.Counts.Sent * 4, resumed.Counts.Delivered);

        var plain = run.Results.Single(r => r.Variant == "default");
        var away = plain.Resilience!.PublishedWhileAway;
        Assert.NotNull(away);
        Assert.True(plain.Counts.Lost > 0, "a dropped call without resume loses what was published while away");
        Assert.Equal(away, plain.Counts.Lost);
        Assert.Empty(TargetProcesses.Children());
    }

    [Fact]
    public async Task A_scenario_a_transport_does_not_support_is_reported_n_a_and_nothing_is_started_for_it()
    {
        var plan = harness.Plan("rtt", p => p with { Transports = [TransportCatalog.Sse] });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        var result = Assert.Single(run.Results);
        Assert.Equal("sse", result.Transport);
        Assert.Equal(TransportCatalog.Sse.Unsupported("rtt"), result.NotApplicable);
        Assert.Equal(0, result.Counts.Sent);
        var report = await File.ReadAllTextAsync(Path.Combine(harness.Directory, "report.md"));
        Assert.Contains("| rtt | p50 latency | n/a |", report, StringComparison.Ordinal);
        Assert.Contains("- **rtt / sse**: Server-Sent Events flow one way", report, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(harness.Directory, "charts")));
    }

    [Fact]
    public async Task Under_drop_SSE_and_SignalR_lose_nothing_when_they_resume_and_exactly_what_was_published_while_away_when_they_do_not()
    {
        var plan = harness.Plan("faults", p => p with
        {
            Faults = ["drop"],
            Transports = [TransportCatalog.SignalR, TransportCatalog.Sse],
            Subscribers = 4,
            Warmup = null,
            Duration = null,
        });

        var (code, run) = await harness.RunAsync(plan);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(
            ["signalr/default", "signalr/stateful", "sse/default", "sse/resume"],
            run.Results.Select(r => $"{r.Transport}/{r.Variant}"));
        foreach (var resumed in run.Results.Where(r => r.Variant != "default"))
        {
            Assert.Equal((0L, 0L), (resumed.Counts.Lost, resumed.Counts.Duplicated));
        }

        foreach (var plain in run.Results.Where(r => r.Variant == "default"))
        {
            var away = plain.Resilience!.PublishedWhileAway;
            Assert.NotNull(away);
            Assert.True(
                plain.Counts.Lost > 0, $"{plain.Transport}: a dropped connection without resume loses what was published while away");
            Assert.Equal(away, plain.Counts.Lost);
        }

        Assert.Empty(TargetProcesses.Children());
    }
}
