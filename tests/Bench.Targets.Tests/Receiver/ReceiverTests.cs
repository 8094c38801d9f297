using System.Globalization;
using System.Net;
using System.Text;
using Bench.Targets.Hosting;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Targets.Tests.Receiver;

public sealed class ReceiverTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly string secret = WebhookSignature.NewSecret();
    private readonly FakeTimeProvider clock = new(Now);
    private readonly HttpClient http = new();
    private readonly List<string> accepted = [];
    private RunningTarget receiver = null!;

    public async Task InitializeAsync() => receiver = await TargetHost.StartReceiverAsync(
        o =>
        {
            o.Secret = secret;
            o.MaxBodyBytes = 4096;
        },
        services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<IWebhookObserver>(new Recording(accepted));
        });

    public async Task DisposeAsync()
    {
        http.Dispose();
        await receiver.DisposeAsync();
    }

    private HttpRequestMessage Signed(string body, DateTimeOffset at, string id = "evt_1", string? signWith = null, string? sendBody = null)
    {
        var ts = at.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url + "/webhook")
        {
            Content = new StringContent(sendBody ?? body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.IdHeader, id);
        request.Headers.Add(WebhookSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(
            WebhookSignature.SignatureHeader, new WebhookSignature(signWith ?? secret).Sign(id, ts, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    [Fact]
    public async Task A_validly_signed_delivery_is_accepted_with_204_and_observed()
    {
        var response = await http.SendAsync(Signed("{\"n\":1}", Now));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(["{\"n\":1}"], accepted);
    }

    [Fact]
    public async Task A_tampered_body_is_rejected_with_401()
    {
        var response = await http.SendAsync(Signed("{\"amount\":1}", Now, sendBody: "{\"amount\":9}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task A_signature_made_with_another_secret_is_rejected_with_401()
    {
        var response = await http.SendAsync(Signed("{}", Now, signWith: WebhookSignature.NewSecret()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task A_timestamp_outside_the_five_minute_tolerance_is_rejected_with_401(int minutes)
    {
        var response = await http.SendAsync(Signed("{}", Now.AddMinutes(minutes)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_timestamp_inside_the_tolerance_is_accepted()
    {
        var response = await http.SendAsync(Signed("{}", Now.AddMinutes(-4)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData(WebhookSignature.IdHeader)]
    [InlineData(WebhookSignature.TimestampHeader)]
    [InlineData(WebhookSignature.SignatureHeader)]
    public async Task A_missing_header_is_rejected_with_400(string header)
    {
        var request = Signed("{}", Now);
        request.Headers.Remove(header);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_body_beyond_the_limit_is_rejected_with_413()
    {
        var response = await http.SendAsync(Signed(new string('x', 5000), Now));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task A_chunked_body_beyond_the_limit_is_rejected_with_413()
    {
        var request = Signed(new string('x', 5000), Now);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string('x', 5000))));
        request.Headers.TransferEncodingChunked = true;

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task The_sink_answers_204_without_verifying_or_observing()
    {
        var response = await http.PostAsync(receiver.Url + "/sink", new StringContent("anything"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task Stats_count_accepted_and_rejected_deliveries()
    {
        await http.SendAsync(Signed("{}", Now));
        await http.SendAsync(Signed("{}", Now.AddHours(1)));

        var stats = receiver.Services.GetRequiredService<ReceiverCounters>().Snapshot();

        Assert.Equal(1, stats.Accepted);
        Assert.Equal(1, stats.Rejected["http_401"]);
    }

    private sealed class Recording(List<string> bodies) : IWebhookObserver
    {
        public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp)
        {
            lock (bodies)
            {
                bodies.Add(Encoding.UTF8.GetString(body));
            }
        }
    }
}
