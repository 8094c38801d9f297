using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Bench.Targets.Dispatcher;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;
using static Bench.Targets.Tests.Hardening.HostileClient;

namespace Bench.Targets.Tests.Hardening;

/// <summary>
/// Attacks a hostile client makes over real sockets on loopback, each bounded in count and time; each ends by checking
/// that the target still answers a normal request.
/// </summary>
public sealed class HostileClientTests
{
    private static readonly TargetsJson Json = TargetsJson.Default;

    [Fact]
    public async Task A_body_that_trickles_or_falls_silent_is_cut_off_by_the_minimum_data_rate()
    {
        await using var receiver = await TargetHost.StartReceiverAsync(o => o.Secret = WebhookSignature.NewSecret());
        var sockets = new List<Socket>();
        for (var i = 0; i < 20; i++)
        {
            var socket = await ConnectAsync(receiver);
            await socket.SendAsync(
                Encoding.ASCII.GetBytes("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789"));
            sockets.Add(socket);
        }

        // 240 bytes a second after a 5 s grace: 10 bytes and then silence is far below it.
        foreach (var socket in sockets)
        {
            Assert.True(await ClosedWithinAsync(socket, TimeSpan.FromSeconds(20)), "a stalled body is cut off");
            socket.Dispose();
        }

        using var http = Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(receiver.Url + "/stats")).StatusCode);
    }

    [Fact]
    public async Task A_subscriber_that_never_reads_holds_at_most_its_queue_bytes_and_the_rest_are_dropped_and_counted()
    {
        await using var hub = await TargetHost.StartHubAsync(o =>
        {
            o.Token = Token;
            o.SubscriberQueueBytes = 1024 * 1024;
        });
        using var lazy = await OpenAsync(hub, "/ws/subscribe?stream=lazy");
        await WaitForAsync(async () => (await StatsAsync(hub, Json.HubStats)).Subscribers == 1);

        // 20 MB toward a subscriber that never reads: the socket buffers take a few MB, the queue 1 MiB, no more.
        await PublishAsync(hub, 320, 64 * 1024);

        var stats = await StatsAsync(hub, Json.HubStats);
        Assert.InRange(stats.QueuedBytes, 0, 1024 * 1024);
        Assert.True(stats.Dropped > 100, $"dropped {stats.Dropped}");
    }

    [Fact]
    public async Task A_second_websocket_subscriber_on_a_stream_is_refused_and_a_takeover_is_told_to_the_first()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.Token = Token);
        using var first = await OpenAsync(hub, "/ws/subscribe?stream=mine");
        await WaitForAsync(async () => (await StatsAsync(hub, Json.HubStats)).Subscribers == 1);

        Assert.Equal(HttpStatusCode.Conflict, await RefusedUpgradeAsync(hub, "/ws/subscribe?stream=mine&resumeFrom=0"));

        using var second = await OpenAsync(hub, "/ws/subscribe?stream=mine&resumeFrom=0&takeover=1");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await CloseStatusAsync(first, TimeSpan.FromSeconds(10)));
        Assert.Contains("took this stream over", first.CloseStatusDescription, StringComparison.Ordinal);
        Assert.Equal(1, (await StatsAsync(hub, Json.HubStats)).TakenOver);
    }

    [Fact]
    public async Task A_second_sse_subscriber_on_a_stream_is_refused_with_409()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.Token = Token);
        using var http = Http();
        using var first = await http.GetAsync(hub.Url + "/sse/subscribe?stream=mine", HttpCompletionOption.ResponseHeadersRead);
        await WaitForAsync(async () => (await StatsAsync(hub, Json.HubStats)).Subscribers == 1);

        using var second = await http.GetAsync(hub.Url + "/sse/subscribe?stream=mine", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Publish_connections_past_the_limit_are_refused_with_503()
    {
        await using var dispatcher = await TargetHost.StartDispatcherAsync(o => o.Token = Token);
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < Bench.Targets.Publishing.PublishEndpoint.DefaultMaxConnections; i++)
            {
                open.Add(await OpenAsync(dispatcher, "/publish"));
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, await RefusedUpgradeAsync(dispatcher, "/publish"));
        }
        finally
        {
            foreach (var ws in open)
            {
                ws.Abort();
                ws.Dispose();
            }
        }

        await WaitForAsync(async () =>
        {
            try
            {
                using var again = await OpenAsync(dispatcher, "/publish");
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        });
    }

    [Fact]
    public async Task A_short_or_text_publish_frame_closes_with_1007_and_the_hub_keeps_serving()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.Token = Token);
        foreach (var (frame, type) in new[]
        {
            (new byte[5], WebSocketMessageType.Binary), (Encoding.ASCII.GetBytes("hello, this is text"), WebSocketMessageType.Text),
        })
        {
            using var ws = await OpenAsync(hub, "/publish");
            await ws.SendAsync(frame, type, true, CancellationToken.None);

            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await CloseStatusAsync(ws, TimeSpan.FromSeconds(10)));
        }

        await PublishAsync(hub, 3, 16);
        Assert.Equal(3, (await StatsAsync(hub, Json.HubStats)).Published);
    }

    [Fact]
    public async Task Pending_deliveries_are_bounded_in_bytes_and_what_passes_the_bound_is_refused_and_counted()
    {
        await using var dispatcher = await TargetHost.StartDispatcherAsync(o =>
        {
            o.Token = Token;
            o.MaxPendingBytes = 2 * 1024 * 1024;
            o.RetryTimeScale = 1000; // never retried within the test: each stays pending
        });
        using var http = Http();
        var secret = WebhookSignature.NewSecret();

        // Port 9 (discard) on loopback: nothing listens, so every attempt is refused and stays pending.
        var registered = await http.PostAsync(
            dispatcher.Url + "/subscriptions", Body($$"""{"url":"http://127.0.0.1:9/w","secret":"{{secret}}","stream":"refusing"}"""));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        await PublishAsync(dispatcher, 40, 256 * 1024);

        var stats = await StatsAsync(dispatcher, Json.DispatcherStats);
        Assert.InRange(stats.PendingBytes, 0, 2 * 1024 * 1024);
        Assert.True(stats.Refused >= 30, $"refused {stats.Refused}");
    }

    [Fact]
    public async Task A_subscription_body_over_64_KiB_is_refused_with_413_before_it_is_parsed()
    {
        await using var dispatcher = await TargetHost.StartDispatcherAsync(o => o.Token = Token);
        using var http = Http();
        var huge = new string('a', 100 * 1024);

        var response = await http.PostAsync(
            dispatcher.Url + "/subscriptions", Body($$"""{"url":"http://127.0.0.1:9/w","secret":"x","stream":"{{huge}}"}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, (await StatsAsync(dispatcher, Json.DispatcherStats)).Endpoints);
    }

    [Fact]
    public async Task A_sink_body_over_the_limit_is_answered_413_not_logged_as_a_failure()
    {
        await using var receiver = await TargetHost.StartReceiverAsync(o => o.Secret = WebhookSignature.NewSecret());
        using var http = Http();

        var response = await http.PostAsync(receiver.Url + "/sink", new ByteArrayContent(new byte[3 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(receiver.Url + "/stats")).StatusCode);
    }

    [Fact]
    public async Task An_unmasked_client_frame_ends_the_connection_and_the_hub_keeps_serving()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.Token = Token);
        using var socket = await ConnectAsync(hub);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer t\r\n\r\n"));
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer);
        Assert.Contains("101", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);

        // FIN + text, no mask bit: a client must mask (RFC 6455 §5.1), so the server must not echo it.
        await socket.SendAsync(new byte[] { 0x81, 0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' });

        var answer = new List<byte>();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                int n;
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
                {
                    answer.AddRange(buffer.AsSpan(0, n).ToArray());
                }
            }
            catch (SocketException)
            {
                // Reset: ended too.
            }
        }

        // No echo: if anything came back it is a close frame (opcode 8), never the text.
        Assert.True(answer.Count == 0 || (answer[0] & 0x0F) == 0x8, $"got {Convert.ToHexString([.. answer])}");
        using var ws = await OpenAsync(hub, "/ws/echo");
        await ws.SendAsync("ok"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var echo = new byte[8];
        Assert.Equal(2, (await ws.ReceiveAsync(echo.AsMemory(), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_truncated_gzip_body_is_400_not_a_signature_failure()
    {
        var secret = WebhookSignature.NewSecret();
        await using var receiver = await TargetHost.StartReceiverAsync(o => o.Secret = secret);
        var body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\",\"data\":\"" + new string('x', 4000) + "\"}");
        var gzip = WebhookDispatcher.Gzip(body);
        var headers = Signed(secret, body);
        using var http = new HttpClient();

        foreach (var cut in new[] { 4, 8, gzip.Length / 2 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url + "/webhook/s")
            {
                Content = new ByteArrayContent(gzip[..^cut]),
            };
            request.Content.Headers.ContentEncoding.Add("gzip");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(request)).StatusCode);
        }

        using var whole = new HttpRequestMessage(HttpMethod.Post, receiver.Url + "/webhook/s") { Content = new ByteArrayContent(gzip) };
        whole.Content.Headers.ContentEncoding.Add("gzip");
        foreach (var (name, value) in headers)
        {
            whole.Headers.TryAddWithoutValidation(name, value);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(whole)).StatusCode);
    }

    internal static (string Name, string Value)[] Signed(string secret, byte[] body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return
        [
            (WebhookSignature.IdHeader, "evt_1"),
            (WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (WebhookSignature.SignatureHeader, new WebhookSignature(secret).Sign("evt_1", timestamp, body)),
        ];
    }

    internal static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the condition did not hold within 10 s");
    }
}
