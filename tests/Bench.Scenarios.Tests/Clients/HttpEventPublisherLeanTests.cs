using System.Text;
using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;
using Bench.Harness.TargetFiles.Publishers;

namespace Bench.Scenarios.Tests.Clients;

/// <summary>
/// <c>publish.http</c> to a plain http URL goes through <see cref="LeanHttpConnection"/>s: the headers the stock client
/// would send, kept connections, the run's hosts only, and each refusal counted by its kind.
/// </summary>
public sealed class HttpEventPublisherLeanTests
{
    private static readonly Payloads Payload = new(16);

    [Fact]
    public void A_lean_request_carries_the_template_s_headers_and_a_JSON_Content_Type_unless_the_template_names_one()
    {
        var values = new TemplateValues("s", Event: "{}");
        var uri = new Uri("http://127.0.0.1:9/publish/s");
        var template = new HttpTemplate("POST", uri.ToString(), new Dictionary<string, string> { ["Authorization"] = "Bearer t" },
            "{event}");
        Assert.Equal("POST /publish/s HTTP/1.1\r\nHost: 127.0.0.1:9\r\nContent-Type: application/json; charset=utf-8\r\n" +
            "Authorization: Bearer t\r\nContent-Length: 2\r\n\r\n{}",
            Encoding.UTF8.GetString(HttpEventPublisher.LeanRequest(template, uri, values)));
        var typed = template with { Headers = new Dictionary<string, string> { ["content-type"] = "text/plain" } };
        Assert.Equal("POST /publish/s HTTP/1.1\r\nHost: 127.0.0.1:9\r\ncontent-type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
            Encoding.UTF8.GetString(HttpEventPublisher.LeanRequest(typed, uri, values)));
    }

    [Fact]
    public async Task Publishes_one_after_another_share_one_kept_connection_and_each_2xx_is_accepted()
    {
        var accepted = Encoding.ASCII.GetBytes("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        await using var server = new ScriptedServer((_, _) => [accepted]);
        await using var publisher = Publisher(server, ["127.0.0.1"]);
        for (var n = 1; n <= 10; n++)
        {
            await publisher.PublishAsync(n, 0, CancellationToken.None);
        }

        Assert.Equal(10, publisher.AcceptedCount);
        Assert.Equal(1, server.Connections);
        Assert.All(server.Requests,
            r => Assert.StartsWith("POST /publish HTTP/1.1\r\n", Encoding.UTF8.GetString(r), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", "http_503")]
    [InlineData("not http at all\r\n\r\n", "invalid_response")]
    public async Task A_refusal_is_counted_by_its_kind(string answer, string kind)
    {
        await using var server = new ScriptedServer((_, _) => [Encoding.ASCII.GetBytes(answer)]);
        await using var publisher = Publisher(server, ["127.0.0.1"]);
        var e = await Assert.ThrowsAsync<IterationFailedException>(async () => await publisher.PublishAsync(1, 0, CancellationToken.None));
        Assert.Equal(kind, e.Kind);
        Assert.Equal(1, publisher.Rejected);
    }

    [Fact]
    public async Task A_host_the_run_does_not_allow_gets_nothing()
    {
        await using var server = new ScriptedServer((_, _) => [Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n")]);
        await using var publisher = Publisher(server, ["example.test"]);
        var e = await Assert.ThrowsAsync<IterationFailedException>(async () => await publisher.PublishAsync(1, 0, CancellationToken.None));
        Assert.Equal("host_not_allowed", e.Kind);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        var port = new ScriptedServer((_, _) => []);
        var url = port.Uri("/publish");
        await port.DisposeAsync();
        var template = new HttpTemplate("POST", url.ToString(), new Dictionary<string, string>(), "{event}");
        await using var publisher = new HttpEventPublisher(template, "s", Payload, TimeProvider.System, hosts: ["127.0.0.1"]);
        var e = await Assert.ThrowsAsync<IterationFailedException>(async () => await publisher.PublishAsync(1, 0, CancellationToken.None));
        Assert.Equal("unreachable", e.Kind);
    }

    private static HttpEventPublisher Publisher(ScriptedServer server, IReadOnlyCollection<string> hosts) =>
        new(new HttpTemplate("POST", server.Uri("/publish").ToString(), new Dictionary<string, string>(), "{event}"), "s", Payload,
            TimeProvider.System, hosts: hosts);
}
