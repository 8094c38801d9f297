using System.Globalization;
using System.Net;
using System.Text;
using Bench.Targets.Hosting;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Targets.Tests.Receiver;

public sealed class DeduplicationTests
{
    [Fact]
    public async Task A_replayed_webhook_is_answered_but_processed_once()
    {
        var secret = WebhookSignature.NewSecret();
        var processed = 0;
        await using var receiver = await TargetHost.StartReceiverAsync(o => o.Secret = secret, services: s => s.AddSingleton<IWebhookObserver>(new Counting(() => Interlocked.Increment(ref processed))));
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

    [Fact]
    public void The_window_forgets_the_oldest_keys_so_memory_stays_bounded()
    {
        var dedup = new Deduplicator(3);

        Assert.True(dedup.FirstTime("a"));
        Assert.False(dedup.FirstTime("a"));
        Assert.True(dedup.FirstTime("b"));
        Assert.True(dedup.FirstTime("c"));
        Assert.True(dedup.FirstTime("d"));
        Assert.True(dedup.FirstTime("a"));
    }

    private sealed class Counting(Action onAccepted) : IWebhookObserver
    {
        public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp) => onAccepted();
    }
}
