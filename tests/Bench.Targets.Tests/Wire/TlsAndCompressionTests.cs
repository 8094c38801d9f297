using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Text;
using Bench.Targets.Hosting;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using Bench.Targets.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Targets.Tests.Wire;

/// <summary>TLS trusted by pin, permessage-deflate, gzip bodies with their zip-bomb limit, and server-side byte counting.</summary>
public sealed class TlsAndCompressionTests
{
    private static readonly string Secret = WebhookSignature.NewSecret();

    [Fact]
    public async Task A_pinned_client_accepts_exactly_its_certificate_and_refuses_any_other()
    {
        using var served = TlsIdentity.Create();
        using var other = TlsIdentity.Create();
        await using var receiver = await StartReceiverAsync(new TargetListen { Certificate = served.Certificate });
        var port = new Uri(receiver.SecureUrl!).Port;

        await using (var ok = await HandshakeAsync(port, served.Pin))
        {
            Assert.True(ok.IsAuthenticated);
        }

        await Assert.ThrowsAsync<AuthenticationException>(async () => await HandshakeAsync(port, other.Pin));
        Assert.NotEqual(served.Pin, other.Pin);
    }

    private static async Task<SslStream> HandshakeAsync(int port, string pin)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(TlsIdentity.ClientOptions(pin));
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Permessage_deflate_round_trips_a_message_and_shrinks_it_on_the_wire()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.AllowCompression = true);
        var meter = new WireMeter();
        using var socket = new ClientWebSocket();
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.CollectHttpResponseDetails = true;
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await s.ConnectAsync(context.DnsEndPoint, ct);
                return new CountingStream(new NetworkStream(s, ownsSocket: true), meter.Open(handshakeFirst: false));
            },
        };
        await socket.ConnectAsync(
            new Uri(hub.Url.Replace("http", "ws", StringComparison.Ordinal) + "/ws/echo"),
            new HttpMessageInvoker(handler),
            CancellationToken.None);
        Assert.Contains(
            "permessage-deflate", socket.HttpResponseHeaders?["Sec-WebSocket-Extensions"].FirstOrDefault() ?? "", StringComparison.Ordinal);
        var before = meter.Read();
        var message = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"event\":\"order.created\",\"amount\":42}", 100)));

        await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[16 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        Assert.Equal(message, buffer[..length]);
        var sent = meter.Read().Sent - before.Sent;
        Assert.True(sent < message.Length / 10, $"{message.Length} bytes of repetitive JSON went out as {sent} bytes");
    }

    [Fact]
    public async Task A_gzip_body_is_inflated_verified_and_accepted()
    {
        var accepted = new List<string>();
        await using var receiver = await StartReceiverAsync(TargetListen.Default, accepted);
        using var http = new HttpClient();
        var body = "{\"id\":\"evt_1\",\"data\":\"" + new string('a', 2000) + "\"}";

        using var response = await http.SendAsync(Gzipped(receiver.Url, Encoding.UTF8.GetBytes(body), Gzip(Encoding.UTF8.GetBytes(body))));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([body], accepted);
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_with_413_once_it_inflates_past_the_limit()
    {
        var accepted = new List<string>();
        await using var receiver = await StartReceiverAsync(TargetListen.Default, accepted, maxInflated: 64 * 1024);
        using var http = new HttpClient();
        var bomb = new byte[50 * 1024 * 1024];
        var compressed = Gzip(bomb);
        Assert.True(compressed.Length < 100 * 1024, "50 MiB of zeros compress to well under the body limit");

        using var refused = await http.SendAsync(Gzipped(receiver.Url, bomb, compressed));
        var exactly = new byte[64 * 1024];
        using var atLimit = await http.SendAsync(Gzipped(receiver.Url, exactly, Gzip(exactly), id: "evt_2"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, atLimit.StatusCode);
        Assert.Single(accepted);
    }

    [Fact]
    public async Task Corrupt_gzip_gets_400_and_an_unknown_encoding_415()
    {
        await using var receiver = await StartReceiverAsync(TargetListen.Default);
        using var http = new HttpClient();
        var body = Encoding.UTF8.GetBytes("{}");

        using var corrupt = await http.SendAsync(
            Gzipped(receiver.Url, body, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]));
        using var brotli = Gzipped(receiver.Url, body, body);
        brotli.Content!.Headers.ContentEncoding.Clear();
        brotli.Content.Headers.ContentEncoding.Add("br");
        using var unknown = await http.SendAsync(brotli);

        Assert.Equal(HttpStatusCode.BadRequest, corrupt.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unknown.StatusCode);
    }

    [Fact]
    public async Task The_server_side_meter_counts_exactly_the_bytes_a_client_sent_and_read()
    {
        var meter = new WireMeter();
        await using var receiver = await StartReceiverAsync(new TargetListen { Meter = meter });
        var port = new Uri(receiver.Url).Port;
        var request = Encoding.ASCII.GetBytes($"POST /sink HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 5\r\n\r\nhello");

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);
        var response = new List<byte>();
        var buffer = new byte[1024];
        while (!Encoding.ASCII.GetString([.. response]).EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer);
            Assert.NotEqual(0, n);
            response.AddRange(buffer.AsSpan(0, n));
        }

        Assert.StartsWith("HTTP/1.1 204", Encoding.ASCII.GetString([.. response]), StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (meter.Read().Sent < response.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var totals = meter.Read();
        Assert.Equal(request.Length, totals.Received);
        Assert.Equal(response.Count, totals.Sent);
        Assert.Equal((0, 0, 1), (totals.HandshakeSent, totals.HandshakeReceived, totals.Connections));
    }

    private static Task<RunningTarget> StartReceiverAsync(
        TargetListen listen, List<string>? accepted = null, int maxInflated = 1024 * 1024) =>
        TargetHost.StartReceiverAsync(
            o =>
            {
                o.Secret = Secret;
                o.MaxBodyBytes = 1024 * 1024;
                o.MaxDecompressedBytes = maxInflated;
            },
            services: s => s.AddSingleton<IWebhookObserver>(new Collecting(accepted ?? [])),
            listen: listen);

    private static HttpRequestMessage Gzipped(string url, byte[] signedBody, byte[] wireBody, string id = "evt_1")
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, url + "/webhook") { Content = new ByteArrayContent(wireBody) };
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, id);
        request.Headers.TryAddWithoutValidation(
            WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(
            WebhookSignature.SignatureHeader, new WebhookSignature(Secret).Sign(id, timestamp, signedBody));
        return request;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private sealed class Collecting(List<string> accepted) : IWebhookObserver
    {
        public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp)
        {
            lock (accepted)
            {
                accepted.Add(Encoding.UTF8.GetString(body));
            }
        }
    }
}
