using System.Globalization;
using System.Net;
using System.Text;
using Bench.Targets.Hosting;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Targets.Tests.Receiver;

public sealed class DeduplicationTests
{
    [Fact]
    public async Task A_replayed_webhook_is_answered_but_processed_once()
    {
        var secret = WebhookSignature.NewSecret();
        var processed = 0;
        await using var receiver = await TargetHost.StartReceiverAsync(
            o => o.Secret = secret,
            services: s => s.AddSingleton<IWebhookObserver>(new Counting(() => Interlocked.Increment(ref processed))));
        using var http = new HttpClient();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = "{\"n\":1}";
        HttpRequestMessage Delivery() => new(HttpMethod.Post, receiver.Url + "/webhook/a")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers =
            {
                { WebhookSignature.IdHeader, "evt_1" },
                { WebhookSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture) },
                { WebhookSignature.SignatureHeader, new WebhookSignature(secret).Sign("evt_1", ts, Encoding.UTF8.GetBytes(body)) },
            },
        };

        var first = await http.SendAsync(Delivery());
        var replay = await http.SendAsync(Delivery());

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, replay.StatusCode);
        Assert.Equal(1, processed);
        Assert.Equal(1, receiver.Services.GetRequiredService<ReceiverCounters>().Snapshot().Duplicates);
    }

    public static readonly TheoryData<string> OtherPaths = new() { "/webhook/b", "/WEBHOOK/a", "/webhook/a/", "/webhook/A", "/webhook" };

    [Theory]
    [MemberData(nameof(OtherPaths))]
    public async Task A_delivery_replayed_to_another_path_is_processed_once(string otherPath)
    {
        var secret = WebhookSignature.NewSecret();
        var processed = 0;
        var counting = new Counting(() => Interlocked.Increment(ref processed));
        await using var receiver = await TargetHost.StartReceiverAsync(
            o => o.Secret = secret, services: s => s.AddSingleton<IWebhookObserver>(counting));
        using var http = new HttpClient();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var first = await http.SendAsync(Signed(receiver.Url + "/webhook/a", secret, "msg_1", ts));
        var replay = await http.SendAsync(Signed(receiver.Url + otherPath, secret, "msg_1", ts));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, replay.StatusCode);
        Assert.Equal(1, processed);
    }

    [Fact]
    public void An_id_is_remembered_for_the_whole_tolerance_however_many_others_come_between()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var dedup = new Deduplicator(64L * 1024 * 1024, TimeSpan.FromMinutes(5), clock);

        Assert.Equal(Seen.First, dedup.Check("msg_replayed", now));
        for (var i = 0; i < 150_000; i++)
        {
            dedup.Check("msg_" + i.ToString(CultureInfo.InvariantCulture), now);
        }

        clock.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(Seen.Duplicate, dedup.Check("msg_replayed", now));
    }

    [Fact]
    public void Ids_are_forgotten_once_their_timestamp_is_past_the_tolerance_giving_their_bytes_back()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var dedup = new Deduplicator(64L * 1024 * 1024, TimeSpan.FromMinutes(5), clock);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        dedup.Check("msg_1", now);

        clock.Advance(TimeSpan.FromSeconds(302));
        var later = dedup.Check("msg_2", clock.GetUtcNow().ToUnixTimeSeconds());

        Assert.Equal(Seen.First, later);
        Assert.Equal(Deduplicator.EntryBytes, dedup.Bytes);
    }

    [Fact]
    public async Task A_full_budget_refuses_new_deliveries_with_503_and_still_recognises_the_ids_it_holds()
    {
        var secret = WebhookSignature.NewSecret();
        var processed = 0;
        await using var receiver = await TargetHost.StartReceiverAsync(
            o =>
            {
                o.Secret = secret;
                o.DeduplicationBytes = 2 * Deduplicator.EntryBytes;
            },
            services: s => s.AddSingleton<IWebhookObserver>(new Counting(() => Interlocked.Increment(ref processed))));
        using var http = new HttpClient();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await http.SendAsync(Signed(receiver.Url + "/webhook/a", secret, "msg_1", ts));
        await http.SendAsync(Signed(receiver.Url + "/webhook/a", secret, "msg_2", ts));

        var third = await http.SendAsync(Signed(receiver.Url + "/webhook/a", secret, "msg_3", ts));
        var replay = await http.SendAsync(Signed(receiver.Url + "/webhook/b", secret, "msg_1", ts));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.NoContent, replay.StatusCode);
        Assert.Equal(2, processed);
    }

    [Fact]
    public async Task Replays_to_long_paths_cost_the_same_as_to_short_ones()
    {
        var secret = WebhookSignature.NewSecret();
        await using var receiver = await TargetHost.StartReceiverAsync(o => o.Secret = secret);
        using var http = new HttpClient();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var dedup = receiver.Services.GetRequiredService<Deduplicator>();

        for (var i = 0; i < 50; i++)
        {
            var path = "/webhook/" + new string('p', 4000) + i.ToString(CultureInfo.InvariantCulture);
            await http.SendAsync(Signed(receiver.Url + path, secret, "msg_1", ts));
        }

        Assert.Equal(Deduplicator.EntryBytes, dedup.Bytes);
    }

    private static HttpRequestMessage Signed(string url, string secret, string id, long ts)
    {
        const string body = "{\"n\":1}";
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers =
            {
                { WebhookSignature.IdHeader, id },
                { WebhookSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture) },
                { WebhookSignature.SignatureHeader, new WebhookSignature(secret).Sign(id, ts, Encoding.UTF8.GetBytes(body)) },
            },
        };
    }

    private sealed class Counting(Action onAccepted) : IWebhookObserver
    {
        public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp) => onAccepted();
    }
}
