using System.Net;
using System.Net.WebSockets;
using System.Text;
using Bench.Targets.Events;
using Bench.Targets.Hosting;

namespace Bench.Targets.Tests.Hub;

public sealed class HubTests : IAsyncLifetime
{
    private const string Token = "test-token";
    private RunningTarget hub = null!;

    public async Task InitializeAsync() => hub = await TargetHost.StartHubAsync(o =>
    {
        o.Token = Token;
        o.MaxMessageBytes = 1024;
        o.AllowedOrigins = ["https://allowed.example"];
    });

    public async Task DisposeAsync() => await hub.DisposeAsync();

    private async Task<ClientWebSocket> ConnectAsync(string path, string? token = Token, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var uri = new UriBuilder(hub.Url)
        {
            Scheme = "ws",
            Path = path.Split('?')[0],
            Query = path.Contains('?') ? path.Split('?')[1] : "",
        }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The test reads the refused status from the socket.
        }

        return socket;
    }

    private static async Task<string?> ReceiveTextAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        var length = 0;
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer.AsMemory(length), new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += r.Count;
            if (r.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
    }

    [Fact]
    public async Task Echo_returns_each_message_as_it_was_sent()
    {
        using var socket = await ConnectAsync("/ws/echo");

        foreach (var text in new[] { "hello", "{\"a\":1}", new string('x', 1000) })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Equal(text, await ReceiveTextAsync(socket));
        }
    }

    [Fact]
    public async Task A_message_beyond_the_size_limit_closes_the_connection_with_1009()
    {
        using var socket = await ConnectAsync("/ws/echo");

        await socket.SendAsync(new byte[2000], WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Null(await ReceiveTextAsync(socket));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }

    [Fact]
    public async Task An_upgrade_without_the_token_is_refused_with_401()
    {
        using var socket = await ConnectAsync("/ws/echo", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task An_upgrade_with_a_wrong_token_is_refused_with_401()
    {
        using var socket = await ConnectAsync("/ws/subscribe", token: "guess");

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task An_upgrade_from_a_foreign_origin_is_refused_with_403()
    {
        using var refused = await ConnectAsync("/ws/echo", origin: "https://evil.example");
        using var allowed = await ConnectAsync("/ws/echo", origin: "https://allowed.example");

        Assert.Equal(HttpStatusCode.Forbidden, refused.HttpStatusCode);
        Assert.Equal(WebSocketState.Open, allowed.State);
    }

    [Fact]
    public async Task Subscribers_receive_every_published_event_in_order_with_their_own_sequence()
    {
        var subscribers = new List<ClientWebSocket>();
        for (var i = 0; i < 3; i++)
        {
            subscribers.Add(await ConnectAsync($"/ws/subscribe?stream=s{i}"));
        }

        await WaitForSubscribersAsync(3);
        using var publisher = await ConnectAsync("/publish");
        var frame = new byte[64];
        for (long n = 1; n <= 100; n++)
        {
            var length = PublishedEvent.WriteFrame(frame, n, 1000 + n, "abc"u8);
            await publisher.SendAsync(frame.AsMemory(0, length), WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        for (var i = 0; i < subscribers.Count; i++)
        {
            for (long n = 1; n <= 100; n++)
            {
                var fields = EventEnvelope.Read(Encoding.UTF8.GetBytes((await ReceiveTextAsync(subscribers[i]))!));
                Assert.Equal(new EnvelopeFields("evt_" + n, "s" + i, n, 1000 + n), fields);
            }
        }

        foreach (var s in subscribers)
        {
            s.Dispose();
        }
    }

    [Fact]
    public async Task A_plain_request_to_a_websocket_route_gets_400()
    {
        using var http = new HttpClient();

        var response = await http.GetAsync(hub.Url + "/ws/echo");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task WaitForSubscribersAsync(int count)
    {
        var broadcaster = (Bench.Targets.Hub.HubBroadcaster)hub.Services.GetService(typeof(Bench.Targets.Hub.HubBroadcaster))!;
        for (var i = 0; i < 500 && broadcaster.SubscriberCount < count; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, broadcaster.SubscriberCount);
    }
}
