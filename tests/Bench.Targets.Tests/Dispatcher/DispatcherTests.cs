using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Bench.Targets.Dispatcher;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Targets.Tests.Dispatcher;

public sealed class DispatcherTests : IAsyncLifetime
{
    private readonly string secret = WebhookSignature.NewSecret();
    private readonly List<EnvelopeFields> received = [];
    private RunningTarget dispatcher = null!;
    private RunningTarget receiver = null!;

    public async Task InitializeAsync()
    {
        receiver = await TargetHost.StartReceiverAsync(
            o => o.Secret = secret, services: s => s.AddSingleton<IWebhookObserver>(new Recording(received)));
        dispatcher = await TargetHost.StartDispatcherAsync(o => o.Token = "t");
    }

    public async Task DisposeAsync()
    {
        await dispatcher.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SubscribeAsync(string url)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, dispatcher.Url + "/subscriptions")
        {
            Content = JsonContent.Create(new SubscriptionRequest(url, secret, null), TargetsJson.Default.SubscriptionRequest),
        };
        request.Headers.Authorization = new("Bearer", "t");
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Each_published_event_reaches_every_endpoint_signed_and_in_order()
    {
        Assert.Equal(HttpStatusCode.Created, (await SubscribeAsync(receiver.Url + "/webhook/a")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SubscribeAsync(receiver.Url + "/webhook/b")).StatusCode);
        using var publisher = new ClientWebSocket();
        publisher.Options.SetRequestHeader("Authorization", "Bearer t");
        await publisher.ConnectAsync(new Uri("ws" + dispatcher.Url[4..] + "/publish"), CancellationToken.None);
        var frame = new byte[64];
        for (long n = 1; n <= 20; n++)
        {
            var length = PublishedEvent.WriteFrame(frame, n, n * 10, "payload"u8);
            await publisher.SendAsync(frame.AsMemory(0, length), WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        for (var i = 0; i < 500 && Count() < 40; i++)
        {
            await Task.Delay(10);
        }

        lock (received)
        {
            // The receiver verified every signature before observing; each stream got 1..20 in order.
            Assert.Equal(40, received.Count);
            foreach (var group in received.GroupBy(f => f.Stream))
            {
                Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), group.Select(f => f.Seq));
            }
        }

        var stats = dispatcher.Services.GetRequiredService<WebhookDispatcher>().Stats();
        Assert.Equal(20, stats.Published);
        Assert.Equal(40, stats.Delivered);
        Assert.Empty(stats.Failures);
    }

    [Fact]
    public async Task An_endpoint_outside_loopback_is_refused()
    {
        var response = await SubscribeAsync("http://192.0.2.10/webhook");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("loopback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_deliveries_are_counted_by_kind()
    {
        Assert.Equal(HttpStatusCode.Created, (await SubscribeAsync(receiver.Url + "/no-such-route")).StatusCode);
        var sink = dispatcher.Services.GetRequiredService<WebhookDispatcher>();

        sink.Publish(new PublishedEvent(1, 0, Encoding.UTF8.GetBytes("x")));
        for (var i = 0; i < 500 && sink.Stats().Failures.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, sink.Stats().Failures["http_404"]);
    }

    private int Count()
    {
        lock (received)
        {
            return received.Count;
        }
    }

    private sealed class Recording(List<EnvelopeFields> fields) : IWebhookObserver
    {
        public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp)
        {
            var f = EventEnvelope.Read(body);
            lock (fields)
            {
                fields.Add(f);
            }
        }
    }
}
