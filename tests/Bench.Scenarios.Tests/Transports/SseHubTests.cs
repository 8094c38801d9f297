using System.Globalization;
using System.Text;
using Bench.Harness.Clients;
using Bench.Harness.Transports.Sse;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Hub;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Scenarios.Tests.Transports;

/// <summary>The hub's Server-Sent Events on a real Kestrel on loopback: framing, byte count and Last-Event-ID resume.</summary>
public sealed class SseHubTests
{
    [Fact]
    public void An_SSE_event_is_an_id_line_and_a_data_line_holding_the_envelope()
    {
        var evt = new PublishedEvent(42, 1234, Encoding.ASCII.GetBytes("abc"));
        var frame = Encoding.ASCII.GetString(Bench.Targets.Hub.Sse.SseEventWriter.Frame(evt, "s0", 7));
        Assert.Equal("id: 7\ndata: {\"id\":\"evt_42\",\"stream\":\"s0\",\"seq\":7,\"ts\":1234,\"data\":\"abc\"}\n\n", frame);
    }

    [Fact]
    public async Task An_SSE_event_costs_its_field_lines_in_one_HTTP_chunk_on_the_wire()
    {
        await using var hub = await TargetHost.StartHubAsync();
        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        using var wire = DeliveryWire.For("default", count: true);
        using var client = new HttpClient(wire.Handler());
        using var response = await client.GetAsync(hub.Url + "/sse/subscribe?stream=s0", HttpCompletionOption.ResponseHeadersRead);
        var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        await WaitForAsync(() => broadcaster.SubscriberCount == 1);

        // The stream opens with retry: — read it (a blank line alone dispatches nothing) by publishing the first event.
        var buffer = new byte[4096];
        broadcaster.Publish(new PublishedEvent(1, 10, Payloads.Create(100)));
        Assert.True(await reader.ReadEventAsync(buffer, CancellationToken.None) > 0);
        Assert.Equal(TimeSpan.FromMilliseconds(100), reader.Retry);
        var before = wire.Meter!.Read().Received;

        var evt = new PublishedEvent(2, 20, Payloads.Create(256));
        broadcaster.Publish(evt);
        var length = await reader.ReadEventAsync(buffer, CancellationToken.None);
        var received = wire.Meter.Read().Received - before;

        // Kestrel sends the unsized response chunked (RFC 9112 §7.1): the size in hex, CRLF, the data, CRLF.
        var frame = Bench.Targets.Hub.Sse.SseEventWriter.Frame(evt, "s0", 2).Length;
        var chunk = frame.ToString("x", CultureInfo.InvariantCulture).Length + 2 + frame + 2;
        Assert.Equal(EventEnvelope.ToArray(evt, "s0", 2).Length, length);
        Assert.Equal("2", reader.LastEventId);
        Assert.Equal(chunk, received);
    }

    [Fact]
    public async Task A_client_that_sends_Last_Event_ID_gets_what_was_published_while_away_and_one_that_does_not_gets_only_what_follows()
    {
        await using var hub = await TargetHost.StartHubAsync();
        var broadcaster = hub.Services.GetRequiredService<HubBroadcaster>();
        using var client = new HttpClient();
        var buffer = new byte[4096];

        using (var first = await client.GetAsync(hub.Url + "/sse/subscribe?stream=a", HttpCompletionOption.ResponseHeadersRead))
        {
            var reader = new SseReader(await first.Content.ReadAsStreamAsync());
            await WaitForAsync(() => broadcaster.SubscriberCount == 1);
            Publish(broadcaster, 1, 3);
            Assert.Equal([1, 2, 3], await SeqsAsync(reader, buffer, 3));
            Assert.Equal("3", reader.LastEventId);
        }

        await WaitForAsync(() => broadcaster.SubscriberCount == 0);
        Publish(broadcaster, 4, 2);

        using var resume = new HttpRequestMessage(HttpMethod.Get, hub.Url + "/sse/subscribe?stream=a");
        resume.Headers.Add("Last-Event-ID", "3");
        using (var second = await client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead))
        {
            var reader = new SseReader(await second.Content.ReadAsStreamAsync());
            Assert.Equal([4, 5], await SeqsAsync(reader, buffer, 2));
        }

        await WaitForAsync(() => broadcaster.SubscriberCount == 0);
        Publish(broadcaster, 6, 1);
        using (var third = await client.GetAsync(hub.Url + "/sse/subscribe?stream=a", HttpCompletionOption.ResponseHeadersRead))
        {
            var reader = new SseReader(await third.Content.ReadAsStreamAsync());
            await WaitForAsync(() => broadcaster.SubscriberCount == 1);
            Publish(broadcaster, 7, 1);
            Assert.Equal([7], await SeqsAsync(reader, buffer, 1));
        }

        Assert.Equal(2, broadcaster.Stats().Replayed);
    }

    private static void Publish(HubBroadcaster broadcaster, long first, int count)
    {
        for (var n = first; n < first + count; n++)
        {
            broadcaster.Publish(new PublishedEvent(n, n, Payloads.Create(16)));
        }
    }

    private static async Task<List<long>> SeqsAsync(SseReader reader, byte[] buffer, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seqs = new List<long>();
        while (seqs.Count < count)
        {
            var n = await reader.ReadEventAsync(buffer, timeout.Token);
            Assert.True(n >= 0, "the stream ended early");
            var fields = EventEnvelope.Read(buffer.AsSpan(0, n));
            Assert.Equal(fields.Seq.ToString(CultureInfo.InvariantCulture), reader.LastEventId);
            seqs.Add(fields.Seq);
        }

        return seqs;
    }

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition did not hold within 5 s");
    }
}
