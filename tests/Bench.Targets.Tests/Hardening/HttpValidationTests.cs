using System.Net;
using System.Text;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Targets.Tests.Hardening;

/// <summary>
/// HTTP-level validation of every field a client sends, in process on TestHost (the network is not the point here):
/// each request gets the status the docs give, and nothing is registered that should not be.
/// </summary>
public sealed class HttpValidationTests : IAsyncLifetime
{
    private const string Token = HostileClient.Token;
    private static readonly string Secret = WebhookSignature.NewSecret();
    private RunningTarget hub = null!;
    private RunningTarget dispatcher = null!;
    private RunningTarget receiver = null!;

    public async Task InitializeAsync()
    {
        static void InMemory(IServiceCollection s) => s.AddSingleton<IServer, TestServer>();
        hub = await TargetHost.StartHubAsync(o => o.Token = Token, services: InMemory);
        dispatcher = await TargetHost.StartDispatcherAsync(o =>
        {
            o.Token = Token;
            o.MaxEndpoints = 3;
        }, services: InMemory);
        receiver = await TargetHost.StartReceiverAsync(o => o.Secret = Secret, services: InMemory);
    }

    public async Task DisposeAsync()
    {
        await hub.DisposeAsync();
        await dispatcher.DisposeAsync();
        await receiver.DisposeAsync();
    }

    private static HttpClient Client(RunningTarget target, bool withToken)
    {
        var client = ((TestServer)target.Services.GetRequiredService<IServer>()).CreateClient();
        if (withToken)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        }

        return client;
    }

    public static TheoryData<string, string, bool, HttpStatusCode> ControlRoutes => new()
    {
        { "hub", "/stats", false, HttpStatusCode.Unauthorized },
        { "hub", "/stats/streams", false, HttpStatusCode.Unauthorized },
        { "hub", "/memory", false, HttpStatusCode.Unauthorized },
        { "hub", "/stats", true, HttpStatusCode.OK },
        { "hub", "/stats/streams", true, HttpStatusCode.OK },
        { "hub", "/memory", true, HttpStatusCode.OK },
        { "dispatcher", "/stats", false, HttpStatusCode.Unauthorized },
        { "dispatcher", "/memory", false, HttpStatusCode.Unauthorized },
        { "dispatcher", "/stats", true, HttpStatusCode.OK },
        { "hub", "/ws/subscribe", true, HttpStatusCode.BadRequest },
        { "hub", "/publish", true, HttpStatusCode.BadRequest },
        { "dispatcher", "/publish", true, HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(ControlRoutes))]
    public async Task Control_routes_require_the_token(string role, string path, bool withToken, HttpStatusCode expected)
    {
        using var client = Client(role == "hub" ? hub : dispatcher, withToken);

        Assert.Equal(expected, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task A_receiver_given_a_token_asks_for_it_on_its_control_routes_but_not_on_signed_deliveries()
    {
        await using var guarded = await TargetHost.StartReceiverAsync(o =>
        {
            o.Secret = Secret;
            o.Token = Token;
        }, services: s => s.AddSingleton<IServer, TestServer>());
        using var anonymous = Client(guarded, withToken: false);
        using var authorised = Client(guarded, withToken: true);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/memory")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/sink", new StringContent("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await authorised.GetAsync("/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await authorised.PostAsync("/sink", new StringContent("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsync("/webhook/s", new StringContent("{}"))).StatusCode);
    }

    private static readonly string LongUrl = "http://127.0.0.1:9/" + new string('u', 3000);

    public static TheoryData<string, string> BadSubscriptions => new()
    {
        { "not json at all", "the body must be JSON" },
        { "null", "the body must be a JSON object" },
        { "[1,2]", "the body must be JSON" },
        { $$"""{"url":"http://127.0.0.1:9/w","secret":"{{Secret}}","stream":"a\tb"}""", "stream may hold only" },
        {
            $$"""{"url":"http://127.0.0.1:9/w","secret":"{{Secret}}","stream":"a\nhttp://example.invalid/\t{{Secret}}"}""",
            "stream may hold only"
        },
        { $$"""{"url":"http://127.0.0.1:9/w","secret":"{{Secret}}","stream":"{{new string('s', 200)}}"}""", "stream must be 1 to 128" },
        { $$"""{"url":"{{LongUrl}}","secret":"{{Secret}}","stream":"a"}""", "url must be at most 2048" },
        { $$"""{"url":"not a url","secret":"{{Secret}}","stream":"a"}""", "absolute http(s) URL" },
        { $$"""{"url":"ftp://127.0.0.1/w","secret":"{{Secret}}","stream":"a"}""", "absolute http(s) URL" },
        { $$"""{"url":"http://example.invalid/w","secret":"{{Secret}}","stream":"a"}""", "only loopback endpoints" },
        { $$"""{"url":"http://user:pw@127.0.0.1:9/w","secret":"{{Secret}}","stream":"a"}""", "user name or password" },
        { """{"url":"http://127.0.0.1:9/w","secret":"whsec_AA==","stream":"a"}""", "this one has 1" },
        { """{"url":"http://127.0.0.1:9/w","secret":"not-base64!","stream":"a"}""", "starts with whsec_" },
        { """{"url":"http://127.0.0.1:9/w","secret":"whsec_!!!!","stream":"a"}""", "base64" },
        { """{"url":"http://127.0.0.1:9/w","stream":"a"}""", "secret" },
        { """{"secret":"whsec_x","stream":"a"}""", "url" },
    };

    [Theory]
    [MemberData(nameof(BadSubscriptions))]
    public async Task A_bad_subscription_is_400_naming_the_field_and_registers_nothing(string body, string problem)
    {
        using var client = Client(dispatcher, withToken: true);

        var response = await client.PostAsync("/subscriptions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, dispatcher.Services.GetRequiredService<Bench.Targets.Dispatcher.WebhookDispatcher>().EndpointCount);
    }

    [Fact]
    public async Task A_subscription_without_the_token_is_401_before_its_body_is_read()
    {
        using var client = Client(dispatcher, withToken: false);

        var response = await client.PostAsync("/subscriptions", new StringContent("this is not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Endpoints_past_the_limit_are_refused_with_429()
    {
        using var client = Client(dispatcher, withToken: true);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var body = $$"""{"url":"http://127.0.0.1:9/w{{i}}","secret":"{{Secret}}","stream":"s{{i}}"}""";
            statuses.Add((await client.PostAsync("/subscriptions", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, (HttpStatusCode)429, (HttpStatusCode)429], statuses);
    }

    public static TheoryData<string, string?, HttpStatusCode> SseRequests => new()
    {
        { "/sse/subscribe?stream=a%0Ab", null, HttpStatusCode.BadRequest },
        { "/sse/subscribe?stream=" + new string('n', 129), null, HttpStatusCode.BadRequest },
        { "/sse/subscribe?stream=a%20b", null, HttpStatusCode.BadRequest },
        { "/sse/subscribe?stream=ok", "abc", HttpStatusCode.BadRequest },
        { "/sse/subscribe?stream=ok", "-4", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(SseRequests))]
    public async Task A_bad_sse_subscription_is_400(string path, string? lastEventId, HttpStatusCode expected)
    {
        using var client = Client(hub, withToken: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        Assert.Equal(expected, (await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead)).StatusCode);
    }

    public static TheoryData<string, HttpStatusCode> Webhooks => new()
    {
        { "no-headers", HttpStatusCode.BadRequest },
        { "bad-signature", HttpStatusCode.Unauthorized },
        { "stale", HttpStatusCode.Unauthorized },
        { "gzip-garbage", HttpStatusCode.BadRequest },
        { "brotli", HttpStatusCode.UnsupportedMediaType },
        { "valid", HttpStatusCode.NoContent },
    };

    [Theory]
    [MemberData(nameof(Webhooks))]
    public async Task Webhook_requests_get_their_documented_status(string kind, HttpStatusCode expected)
    {
        using var client = Client(receiver, withToken: false);
        var body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\"}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/s")
        {
            Content = new ByteArrayContent(
                kind == "gzip-garbage" ? [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : body),
        };
        if (kind is "gzip-garbage" or "brotli")
        {
            request.Content.Headers.ContentEncoding.Add(kind == "brotli" ? "br" : "gzip");
        }

        if (kind != "no-headers")
        {
            var signer = new WebhookSignature(kind == "bad-signature" ? WebhookSignature.NewSecret() : Secret);
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (kind == "stale" ? 3600 : 0);
            request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, "evt_1");
            request.Headers.TryAddWithoutValidation(
                WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, signer.Sign("evt_1", timestamp, body));
        }

        Assert.Equal(expected, (await client.SendAsync(request)).StatusCode);
    }
}

/// <summary>Which bind URLs keep a target on loopback: beyond it, <c>bench serve</c> requires a token.</summary>
public sealed class BindTests
{
    [Theory]
    [InlineData("http://127.0.0.1:0", true)]
    [InlineData("http://127.0.0.2:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://192.0.2.10:5000", false)]
    [InlineData("not a url", false)]
    public void A_bind_url_is_loopback_only_when_every_address_it_names_is(string url, bool loopback) =>
        Assert.Equal(loopback, TargetHost.BindsLoopback(url));
}
