using System.Net;
using Bench.Harness.TargetFiles;
using Bench.Scenarios.Tests.Clients;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>
/// A target file's server tries to send Bench (its load, the file's headers and secrets) to a host the file does not
/// name: 127.0.0.2, which is loopback too, stands for it. Nothing may reach it, and the preflight ends in one line.
/// </summary>
public sealed class TargetFileRedirectTests : IDisposable
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly string directory = Directory.CreateTempSubdirectory("bench-redirect-").FullName;
    private readonly string secretVariable = "BENCH_TEST_REDIRECT_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public TargetFileRedirectTests() => Environment.SetEnvironmentVariable(secretVariable, Secret);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(secretVariable, null);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_registration_answered_with_a_redirect_to_another_host_sends_nothing_there()
    {
        await using var elsewhere = new HostileServer(IPAddress.Parse("127.0.0.2"), _ => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        await using var sender = new HostileServer(IPAddress.Loopback, _ =>
            $"HTTP/1.1 307 Temporary Redirect\r\nLocation: {elsewhere.Url}/webhooks\r\nContent-Length: 0\r\n\r\n");
        var file = Load($$"""
            transport: webhook
            publish: { http: { url: "{{sender.Url}}/publish" } }
            subscribe:
              register:
                http:
                  url: {{sender.Url}}/webhooks
                  headers: { X-Api-Key: "${env:{{secretVariable}}}" }
                  body: '{"url":"{receiver}","secret":"{secret}"}'
              secret: ${env:{{secretVariable}}}
            """);

        var refused = await Assert.ThrowsAsync<TargetFileException>(() => TargetPreflight.CheckAsync(file, CancellationToken.None));

        Assert.Contains("subscribe.register: the sender answered 307, a redirect", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, sender.Connections);
        Assert.Equal(0, elsewhere.Connections);
    }

    [Fact]
    public async Task A_negotiate_answer_naming_another_host_is_refused_in_one_line_and_nothing_reaches_that_host()
    {
        // The other host answers what is not a negotiate response: following it used to end in an unhandled InvalidDataException.
        await using var elsewhere = new HostileServer(IPAddress.Parse("127.0.0.2"), _ => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno");
        await using var hub = new HostileServer(IPAddress.Loopback, _ =>
            Json($$"""{"url":"{{elsewhere.Url}}/chat","accessToken":"t"}"""));
        var file = Load($$"""
            transport: signalr
            publish: { http: { url: "{{hub.Url}}/publish" } }
            subscribe:
              url: {{hub.Url}}/chat
              headers: { X-Api-Key: "${env:{{secretVariable}}}" }
              event: ReceiveMessage
            """);

        var refused = await Assert.ThrowsAsync<TargetFileException>(() => TargetPreflight.CheckAsync(file, CancellationToken.None));

        var expected = $"subscribe.url: could not connect to {hub.Url}/chat: refused to follow the server to {elsewhere.Url}/chat";
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Connections);
    }

    private static string Json(string body) =>
        $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + $"Content-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    private TargetFile Load(string yaml)
    {
        var path = Path.Combine(directory, "target.yaml");
        File.WriteAllText(path, yaml);
        return TargetFile.Load(path);
    }
}
