using System.Net;
using System.Net.Sockets;
using System.Text;
using Bench.Harness.Clients;

namespace Bench.Scenarios.Tests.Clients;

/// <summary>
/// <see cref="LeanHttpConnection"/> and <see cref="LeanHttpRequest"/>: the exact bytes sent, responses however the
/// server splits them, chunked bodies, <c>Connection: close</c>, and every malformed or cut answer an error (never a
/// hang, never a read that grows).
/// </summary>
public sealed class LeanHttpConnectionTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public void The_request_is_the_request_line_Host_the_headers_Content_Length_and_the_body_exactly()
    {
        var bytes = LeanHttpRequest.Format("POST", new Uri("http://127.0.0.1:5000/sink?a=1"),
            [new("Content-Type", "application/octet-stream"), new("Content-Length", "999"), new("Connection", "close"), new("X-A", "b c")],
            "hello"u8);
        Assert.Equal("POST /sink?a=1 HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nContent-Type: application/octet-stream\r\nX-A: b c\r\n" +
            "Content-Length: 5\r\n\r\nhello", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void A_GET_without_a_body_has_no_Content_Length_and_a_given_Host_replaces_the_URI_s()
    {
        var bytes = LeanHttpRequest.Format("GET", new Uri("http://localhost/"), [new("host", "example.test")], []);
        Assert.Equal("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n", Encoding.ASCII.GetString(bytes));
        var post = LeanHttpRequest.Format("POST", new Uri("http://localhost:80/x"), [], []);
        Assert.Equal("POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", Encoding.ASCII.GetString(post));
    }

    [Theory]
    [InlineData("X-A", "b\r\nX-Injected: 1")]
    [InlineData("X A", "b")]
    [InlineData("X:A", "b")]
    [InlineData("", "b")]
    public void A_header_that_would_break_the_head_is_refused(string name, string value) =>
        Assert.Throws<ArgumentException>(() => LeanHttpRequest.Format("POST", new Uri("http://127.0.0.1/"), [new(name, value)], []));

    [Fact]
    public void Https_is_not_lean() =>
        Assert.Throws<ArgumentException>(() => LeanHttpRequest.Format("GET", new Uri("https://127.0.0.1/"), [], []));

    [Fact]
    public async Task The_server_receives_exactly_the_formatted_bytes_and_one_connection_serves_many_requests()
    {
        await using var server = new ScriptedServer((_, _) => [Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n")]);
        using var client = new LeanHttpConnection(server.EndPoint);
        var request = LeanHttpRequest.Format("POST", server.Uri("/sink"), [], new byte[300]);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(204, await client.SendAsync(request, Timeout()));
        }

        Assert.Equal(1, client.Connects);
        Assert.Equal(1, server.Connections);
        Assert.All(server.Requests, r => Assert.Equal(request, r));
    }

    public static TheoryData<string, int> Responses => new()
    {
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", 200 },
        {
            "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
            201
        },
        { "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\nok", 202 },
        { "HTTP/1.1 204 No Content\r\nServer: s\r\n\r\n", 204 },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task A_response_split_at_every_byte_boundary_reads_the_same(string response, int status)
    {
        var bytes = Encoding.ASCII.GetBytes(response);
        await using var server = new ScriptedServer((i, _) => i < bytes.Length - 1 ? [bytes[..(i + 1)], bytes[(i + 1)..]] : [bytes]);
        using var client = new LeanHttpConnection(server.EndPoint);
        var request = LeanHttpRequest.Format("POST", server.Uri("/"), [], "x"u8);
        for (var i = 0; i < bytes.Length; i++)
        {
            Assert.Equal(status, await client.SendAsync(request, Timeout()));
        }

        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_response_sent_one_byte_at_a_time_reads_whole()
    {
        var bytes = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        await using var server = new ScriptedServer((_, _) => [.. bytes.Select(b => new[] { b })]);
        using var client = new LeanHttpConnection(server.EndPoint);
        Assert.Equal(200, await client.SendAsync(LeanHttpRequest.Format("GET", server.Uri("/"), [], []), Timeout()));
        Assert.Equal(200, await client.SendAsync(LeanHttpRequest.Format("GET", server.Uri("/"), [], []), Timeout()));
        Assert.Equal(1, server.Connections);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\nbody to the close")]
    public async Task After_Connection_close_the_next_request_goes_on_a_new_connection(string response)
    {
        await using var server = new ScriptedServer((_, _) => [Encoding.ASCII.GetBytes(response)], closeAfter: true);
        using var client = new LeanHttpConnection(server.EndPoint);
        var request = LeanHttpRequest.Format("GET", server.Uri("/"), [], []);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await client.SendAsync(request, Timeout()));
        }

        Assert.Equal(3, client.Connects);
        Assert.Equal(3, server.Connections);
    }

    [Fact]
    public async Task A_kept_connection_the_server_closed_while_idle_is_replaced_and_the_request_sent_once_on_the_new_one()
    {
        // The server answers keep-alive but closes after each response, as an idle timeout would.
        await using var server = new ScriptedServer(
            (_, _) => [Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n")], closeAfter: true);
        using var client = new LeanHttpConnection(server.EndPoint);
        var request = LeanHttpRequest.Format("POST", server.Uri("/"), [], "x"u8);
        Assert.Equal(204, await client.SendAsync(request, Timeout()));
        await Task.Delay(100);
        Assert.Equal(204, await client.SendAsync(request, Timeout()));
        Assert.Equal(2, server.Requests.Count);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "garbage\r\n\r\n", "status line" },
        { "HTTP/2 200 OK\r\n\r\n", "status line" },
        { "HTTP/1.1 20x OK\r\n\r\n", "status line" },
        { "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "header line" },
        { "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "header line" },
        { "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "Content-Length" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n", "CRLF" },
        { "HTTP/1.1 101 Switching Protocols\r\n\r\n", "101" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_response_is_an_error_and_the_connection_is_dropped(string response, string said)
    {
        await using var server = new ScriptedServer((_, _) => [Encoding.ASCII.GetBytes(response)]);
        using var client = new LeanHttpConnection(server.EndPoint);
        var e = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await client.SendAsync(LeanHttpRequest.Format("GET", server.Uri("/"), [], []), Timeout()));
        Assert.Equal(HttpRequestError.InvalidResponse, e.HttpRequestError);
        Assert.Contains(said, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nX-Big: ", "")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "1")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", "X-T: a\r\n")]
    public async Task An_endless_head_chunk_line_or_trailer_is_an_error_once_past_its_bound_not_a_growing_read(string start, string filler)
    {
        // The server sends its start and then filler for ever (as long as the client reads): the client must stop it.
        var piece = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(filler.Length == 0 ? "a" : filler, 1024)));
        await using var server = new ScriptedServer((_, _) => [Encoding.ASCII.GetBytes(start), .. Enumerable.Repeat(piece, 200)]);
        using var client = new LeanHttpConnection(server.EndPoint);
        var e = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await client.SendAsync(LeanHttpRequest.Format("GET", server.Uri("/"), [], []), Timeout()));
        Assert.Equal(HttpRequestError.InvalidResponse, e.HttpRequestError);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n")]
    public async Task A_server_that_closes_mid_response_is_an_error(string response)
    {
        await using var server = new ScriptedServer((_, _) => [Encoding.ASCII.GetBytes(response)], closeAfter: true);
        using var client = new LeanHttpConnection(server.EndPoint);
        var e = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await client.SendAsync(LeanHttpRequest.Format("GET", server.Uri("/"), [], []), Timeout()));
        Assert.Equal(HttpRequestError.ResponseEnded, e.HttpRequestError);
    }

    [Fact]
    public async Task A_server_that_closes_before_any_answer_on_a_new_connection_is_an_error_not_a_retry()
    {
        await using var server = new ScriptedServer((_, _) => [], closeAfter: true);
        using var client = new LeanHttpConnection(server.EndPoint);
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await client.SendAsync(LeanHttpRequest.Format("POST", server.Uri("/"), [], "x"u8), Timeout()));
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Nobody_listening_is_a_connection_error()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        listener.Dispose();
        using var client = new LeanHttpConnection(endPoint);
        var e = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await client.SendAsync(LeanHttpRequest.Format("GET", new Uri($"http://127.0.0.1:{endPoint.Port}/"), [], []), Timeout()));
        Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
    }

    [Fact]
    public async Task A_server_that_never_answers_ends_with_the_caller_s_cancellation()
    {
        await using var server = new ScriptedServer((_, _) => [], hang: true);
        using var client = new LeanHttpConnection(server.EndPoint);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await client.SendAsync(LeanHttpRequest.Format("GET", server.Uri("/"), [], []), cts.Token));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(Limit).Token;
}
