using Bench.Harness;
using Bench.Harness.TargetFiles;
using Bench.Reports.Model;
using Bench.Scenarios.Tests.EndToEnd;
using Microsoft.AspNetCore.Builder;

namespace Bench.Scenarios.Tests.TargetFiles.ServerSource;

/// <summary>
/// Push against a feed Bench did not publish (<c>source: server</c>): the example ticker feed on Kestrel on loopback,
/// emitting on its own, through target files only. Accounting is exact from each subscriber's first event.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServerSourceRunTests : IAsyncLifetime, IDisposable
{
    private readonly RunHarness harness = new();
    private WebApplication? ticker;

    private string Url => ticker!.Urls.First();

    public async Task InitializeAsync()
    {
        ticker = TickerFeed.TickerApp.Create("http://127.0.0.1:0");
        await ticker.StartAsync();
    }

    public async Task DisposeAsync() => await ticker!.DisposeAsync();

    public void Dispose() => harness.Dispose();

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(harness.Directory, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private string WebSocketFeed(string query = "rate=200") => Write("ticker-ws", $$"""
        name: ticker-ws
        transport: websocket
        source: server
        subscribe: { url: "{{Url.Replace("http", "ws", StringComparison.Ordinal)}}/ws/ticks?{{query}}" }
        sequence: $.seq
        timestamp: { path: $.ts, clock: unix-ms }
        """);

    private string SseFeed(string query) => Write("ticker-sse", $$"""
        name: ticker-sse
        transport: sse
        source: server
        subscribe: { url: "{{Url}}/sse/ticks?{{query}}" }
        sequence: $.seq
        """);

    private async Task<ScenarioResult> PushAsync(string file)
    {
        await TargetPreflight.CheckAsync(TargetFile.Load(file), CancellationToken.None);
        var plan = harness.Plan("push", p => p with { Transports = [new FileTransport(TargetFile.Load(file))], Subscribers = 3 });
        var (code, run) = await harness.RunAsync(plan);
        Assert.Equal(ExitCodes.Ok, code);
        return Assert.Single(run.Results);
    }

    [Fact]
    public async Task Push_from_a_feed_counts_every_event_each_subscriber_saw_and_measures_latency_from_its_timestamp()
    {
        var r = await PushAsync(WebSocketFeed());

        var feed = Assert.IsType<ServerFeedSummary>(r.ServerFeed);
        Assert.Equal(3, feed.Subscribers.Count);
        Assert.All(feed.Subscribers, s => Assert.True(s.Sent > 100, $"{s.Subscriber} saw {s.Sent} of a 200/s feed in 2 s"));
        Assert.Equal((0L, 0L, 0L, 0L), (r.Counts.Lost, r.Counts.Duplicated, r.Counts.OutOfOrder, r.Counts.Errors));
        Assert.Equal(r.Counts.Sent, r.Counts.Delivered);
        Assert.True(feed.LatencyMeasured);
        Assert.Equal(r.Counts.Delivered, r.LatencyUs.Count + feed.LatencyExcluded);
        Assert.True(r.LatencyUs.Count > 0 && r.LatencyUs.P50 > 0, "latency from the feed's own timestamp");
        Assert.Contains("unix-ms", feed.Latency, StringComparison.Ordinal);
        Assert.False(feed.ClocksMixed);
        Assert.True(feed.DeliveriesPerSec > 0 && feed.InterArrivalUs.Count > 0);
    }

    [Fact]
    public async Task A_feed_that_skips_and_repeats_numbers_shows_exactly_those_as_lost_and_duplicated()
    {
        var r = await PushAsync(SseFeed("rate=400&skip=every-100&repeat=every-250"));

        var feed = r.ServerFeed!;
        foreach (var s in feed.Subscribers)
        {
            var (first, last) = (s.FirstSeq!.Value, s.LastSeq!.Value);
            var numbers = Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).ToList();
            Assert.Equal(last - first + 1, s.Sent);
            Assert.Equal(numbers.Count(n => n % 100 == 0), s.Lost);
            Assert.Equal(numbers.Count(n => n % 250 == 0 && n % 100 != 0), s.Duplicated);
            Assert.Equal(0, s.OutOfOrder);
        }

        Assert.Equal(feed.Subscribers.Sum(s => s.Lost), r.Counts.Lost);
        Assert.Equal(feed.Subscribers.Sum(s => s.Duplicated), r.Counts.Duplicated);
        Assert.True(r.Counts.Lost >= 3 * 6, $"a 400/s feed skips 4 a second: lost {r.Counts.Lost} over 2 s at 3 subscribers");
    }

    [Fact]
    public async Task Without_a_timestamp_latency_is_not_measured_while_throughput_and_inter_arrival_are()
    {
        var r = await PushAsync(SseFeed("rate=200"));

        var feed = r.ServerFeed!;
        Assert.False(feed.LatencyMeasured);
        Assert.StartsWith("not measured", feed.Latency, StringComparison.Ordinal);
        Assert.Equal(0, r.LatencyUs.Count);
        Assert.True(feed.DeliveriesPerSec > 0 && feed.InterArrivalUs.Count > 0 && feed.InterArrivalUs.P50 > 0);
        Assert.Equal((0L, 0L), (r.Counts.Lost, r.Counts.Duplicated));
        var report = await File.ReadAllTextAsync(Path.Combine(harness.Directory, "report.md"));
        Assert.Contains("| ticker-sse |", report, StringComparison.Ordinal);
        Assert.Contains("| not measured | not measured | not measured |", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_preflight_names_the_sequence_when_what_arrives_has_no_whole_number_there()
    {
        var file = TargetFile.Load(Write("ticker-symbol", $$"""
            transport: sse
            source: server
            subscribe: { url: "{{Url}}/sse/ticks" }
            sequence: $.symbol
            """));

        var e = await Assert.ThrowsAsync<TargetFileException>(() => TargetPreflight.CheckAsync(file, CancellationToken.None));

        Assert.Equal($"{file.Path}: sequence: a message arrived, but $.symbol is not a whole number", e.Message);
    }

    [Fact]
    public async Task A_server_source_file_beside_another_target_exits_2_naming_it()
    {
        var file = WebSocketFeed();

        var (code, stderr) = await Cli.ConsoleCapture.RunAsync(
            ["run", "push", "--target", file, "--target", "builtin:websocket", "--out", Path.Combine(harness.Directory, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{file}: source: server: a system that publishes on its own is measured alone", stderr, StringComparison.Ordinal);
    }
}
