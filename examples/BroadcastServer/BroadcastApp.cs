using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BroadcastServer;

/// <summary>
/// A small topic broadcast server with its own JSON envelope: <c>POST /publish</c> takes
/// <c>{"topic":"t","data":{...}}</c> and sends <c>{"type":"message","topic":"t","id":N,"payload":{...}}</c> to every
/// WebSocket (<c>/ws?topic=t</c>) and Server-Sent Events (<c>/events?topic=t</c>) subscriber of the topic; a
/// WebSocket to <c>/publisher</c> publishes the same way, one text message per publish. <c>POST /notifications</c>
/// takes <c>{"topic","msgId","n","sentAt","text"}</c> (the sender's own id, sequence and time) and sends them on in a
/// notification of the server's own shape. <c>/echo</c> echoes WebSocket messages. <c>POST /webhooks</c> registers
/// <c>{"url","topic","secret"}</c>: each message of the topic is then POSTed to the URL, signed per Standard Webhooks
/// when a <c>whsec_</c> secret is given (one attempt, no retries: a small sender). The URL must be a loopback IP unless
/// it lies in one of <c>webhookNetworks</c> (<c>BROADCAST_WEBHOOK_NETWORKS=10.231.0.0/24,…</c>): the server posts only
/// where it was told it may. <c>GET /webhooks</c> lists the registered URLs by topic. <c>BROADCAST_TOKEN</c> makes
/// publishing require a bearer token; <c>BROADCAST_DELAY_US</c> burns that much CPU per publish (to show a regression).
/// </summary>
public static class BroadcastApp
{
    public static WebApplication Create(
        string url, string? token = null, int delayMicroseconds = 0, IReadOnlyList<System.Net.IPNetwork>? webhookNetworks = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.UseWebSockets();
        var topics = new ConcurrentDictionary<string, Topic>(StringComparer.Ordinal);
        Topic TopicOf(string name) => topics.GetOrAdd(name, _ => new Topic());
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        app.MapPost("/webhooks", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            var url = body?["url"]?.GetValue<string>();
            var topic = body?["topic"]?.GetValue<string>();
            if (url is null || topic is null || !Uri.TryCreate(url, UriKind.Absolute, out var target)
                || !System.Net.IPAddress.TryParse(target.Host, out var address)
                || !(System.Net.IPAddress.IsLoopback(address) || (webhookNetworks ?? []).Any(n => n.Contains(address))))
            {
                return Results.BadRequest(
                    "url (an http URL at a loopback IP, or at one in BROADCAST_WEBHOOK_NETWORKS) and topic are required");
            }

            TopicOf(topic).Add(new WebhookSubscriber(http, target, body!["secret"]?.GetValue<string>()));
            return Results.Created();
        });

        // What is registered, by topic: {"topic": ["http://…", …]}.
        app.MapGet("/webhooks", () => Results.Json(topics
            .Select(t => (t.Key, Urls: t.Value.WebhookUrls()))
            .Where(t => t.Urls.Count > 0)
            .ToDictionary(t => t.Key, t => t.Urls, StringComparer.Ordinal)));

        // One publish, from POST /publish or a message on /publisher: false when the topic is missing.
        async Task<bool> PublishAsync(JsonNode? body)
        {
            var topic = body?["topic"]?.GetValue<string>();
            if (topic is null)
            {
                return false;
            }

            Spin(delayMicroseconds);
            var t = TopicOf(topic);
            var message = new JsonObject
            {
                ["type"] = "message",
                ["topic"] = topic,
                ["id"] = t.NextId(),
                ["payload"] = body!["data"]?.DeepClone(),
            };
            await t.BroadcastAsync(message.ToJsonString());
            return true;
        }

        app.MapPost("/publish", async (HttpContext context) =>
        {
            if (token is not null && context.Request.Headers.Authorization != "Bearer " + token)
            {
                return Results.Unauthorized();
            }

            var published = await PublishAsync(await JsonNode.ParseAsync(context.Request.Body));
            return published ? Results.Accepted() : Results.BadRequest("topic is required");
        });

        // Publishing over a kept WebSocket: each text message is what POST /publish takes; a bad one is answered with an error.
        app.Map("/publisher", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest || (token is not null && context.Request.Headers.Authorization != "Bearer " + token))
            {
                context.Response.StatusCode = context.WebSockets.IsWebSocketRequest ? 401 : 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1 << 20];
            try
            {
                while (true)
                {
                    var length = 0;
                    WebSocketReceiveResult result;
                    do
                    {
                        var free = new ArraySegment<byte>(buffer, length, buffer.Length - length);
                        result = await socket.ReceiveAsync(free, context.RequestAborted);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage && length < buffer.Length);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (!await PublishAsync(JsonNode.Parse(buffer.AsSpan(0, length))))
                    {
                        var error = "{\"type\":\"error\",\"error\":\"topic is required\"}"u8.ToArray();
                        await socket.SendAsync(error, WebSocketMessageType.Text, true, context.RequestAborted);
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or JsonException)
            {
                // The publisher went away, or sent what is not JSON: the connection ends.
            }
        });

        // Notifications carry the sender's own message id, sequence and send time, and reach /ws subscribers as
        // {"type":"notification","topic":...,"notification":{"msgId":...,"n":...,"sentAt":...,"text":...}}.
        app.MapPost("/notifications", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            var topic = body?["topic"]?.GetValue<string>();
            if (topic is null || body!["msgId"] is null || body["n"] is null || body["sentAt"] is null)
            {
                return Results.BadRequest("topic, msgId, n and sentAt are required");
            }

            var notification = new JsonObject
            {
                ["type"] = "notification",
                ["topic"] = topic,
                ["notification"] = new JsonObject
                {
                    ["msgId"] = body["msgId"]!.DeepClone(),
                    ["n"] = body["n"]!.DeepClone(),
                    ["sentAt"] = body["sentAt"]!.DeepClone(),
                    ["text"] = body["text"]?.DeepClone(),
                },
            };
            await TopicOf(topic).BroadcastAsync(notification.ToJsonString());
            return Results.Accepted();
        });

        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var subscriber = new WebSocketSubscriber(socket);
            var topic = TopicOf(context.Request.Query["topic"].ToString());
            topic.Add(subscriber);
            try
            {
                var buffer = new byte[1024];
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The subscriber went away.
            }
            finally
            {
                topic.Remove(subscriber);
            }
        });

        app.MapGet("/events", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.FlushAsync();
            var subscriber = new SseSubscriber(context.Response);
            var topic = TopicOf(context.Request.Query["topic"].ToString());
            topic.Add(subscriber);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The subscriber went away.
            }
            finally
            {
                topic.Remove(subscriber);
            }
        });

        app.Map("/echo", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1 << 20];
            try
            {
                while (true)
                {
                    var length = 0;
                    WebSocketReceiveResult result;
                    do
                    {
                        if (length == buffer.Length)
                        {
                            await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "1 MiB at most", context.RequestAborted);
                            return;
                        }

                        var free = new ArraySegment<byte>(buffer, length, buffer.Length - length);
                        result = await socket.ReceiveAsync(free, context.RequestAborted);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    Spin(delayMicroseconds);
                    await socket.SendAsync(new ArraySegment<byte>(buffer, 0, length), result.MessageType, true, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The client went away.
            }
        });

        return app;
    }

    private static void Spin(int microseconds)
    {
        if (microseconds <= 0)
        {
            return;
        }

        var until = System.Diagnostics.Stopwatch.GetTimestamp() + (microseconds * System.Diagnostics.Stopwatch.Frequency / 1_000_000);
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
        {
        }
    }

    private interface ISubscriber
    {
        Task SendAsync(string message);
    }

    private sealed class Topic
    {
        private readonly ConcurrentDictionary<ISubscriber, byte> subscribers = new();
        private long id;

        public long NextId() => Interlocked.Increment(ref id);

        public void Add(ISubscriber s) => subscribers.TryAdd(s, 0);

        public void Remove(ISubscriber s) => subscribers.TryRemove(s, out _);

        public Task BroadcastAsync(string message) => Task.WhenAll(subscribers.Keys.Select(s => s.SendAsync(message)));

        public List<string> WebhookUrls() => [.. subscribers.Keys.OfType<WebhookSubscriber>().Select(w => w.Url.ToString()).Order()];
    }

    private sealed class WebSocketSubscriber(WebSocket socket) : ISubscriber
    {
        private readonly SemaphoreSlim gate = new(1, 1);

        public async Task SendAsync(string message)
        {
            await gate.WaitAsync();
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
            {
                // A subscriber that has gone misses the message.
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private sealed class WebhookSubscriber(HttpClient http, Uri url, string? secret) : ISubscriber
    {
        public Uri Url => url;

        private readonly byte[]? key = secret is { Length: > 6 } s && s.StartsWith("whsec_", StringComparison.Ordinal)
            ? Convert.FromBase64String(s[6..])
            : null;
        private readonly SemaphoreSlim gate = new(1, 1);

        public async Task SendAsync(string message)
        {
            var id = "msg_" + JsonDocument.Parse(message).RootElement.GetProperty("id").GetInt64();
            // Standard Webhooks signs the wall-clock time of sending: the receiver checks it against its own clock.
            var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(message, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp);
            if (key is not null)
            {
                var mac = System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{message}"));
                request.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(mac));
            }

            await gate.WaitAsync();
            try
            {
                using var response = await http.SendAsync(request);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // One attempt: an endpoint that is down misses the message.
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private sealed class SseSubscriber(HttpResponse response) : ISubscriber
    {
        private readonly SemaphoreSlim gate = new(1, 1);

        public async Task SendAsync(string message)
        {
            await gate.WaitAsync();
            try
            {
                var id = JsonDocument.Parse(message).RootElement.GetProperty("id").GetInt64();
                await response.WriteAsync($"id: {id}\nevent: message\ndata: {message}\n\n");
                await response.Body.FlushAsync();
            }
            catch (Exception e)
                when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // A subscriber that has gone misses the message.
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
