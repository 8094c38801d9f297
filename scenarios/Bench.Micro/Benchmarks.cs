using System.Buffers;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Bench.Engine.Recording;
using Bench.Targets.Events;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using BenchmarkDotNet.Attributes;

namespace Bench.Micro;

/// <summary>
/// One WebSocket message written by a client and read by a server, over memory: framing, masking and (optionally)
/// deflate. The messages rotate through 64 different payloads, so deflate cannot simply point back at the last one.
/// </summary>
[MemoryDiagnoser]
public class WebSocketMessage
{
    private WebSocket client = null!;
    private WebSocket server = null!;
    private byte[][] messages = null!;
    private int next;
    private readonly byte[] buffer = new byte[64 * 1024];

    [Params(64, 1024, 16 * 1024)]
    public int Size { get; set; }

    [Params(false, true)]
    public bool Deflate { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (a, b) = InMemoryDuplex.Create();
        var deflate = Deflate ? new WebSocketDeflateOptions() : null;
        client = WebSocket.CreateFromStream(a, new WebSocketCreationOptions
        {
            IsServer = false,
            DangerousDeflateOptions = deflate,
            KeepAliveInterval = Timeout.InfiniteTimeSpan,
        });
        server = WebSocket.CreateFromStream(b, new WebSocketCreationOptions
        {
            IsServer = true,
            DangerousDeflateOptions = deflate,
            KeepAliveInterval = Timeout.InfiniteTimeSpan,
        });
        var text = MicroPayload.Create(64 * (Size + 32 * 1024));
        messages = [.. Enumerable.Range(0, 64).Select(i =>
            EventEnvelope.ToArray(new PublishedEvent(i + 1, 0, text.AsMemory(i * (Size + 32 * 1024), Size)), "s0", i + 1))];
    }

    [Benchmark(Description = "send and receive")]
    public async Task<int> SendAndReceive()
    {
        var message = messages[next++ & 63];
        await client.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await server.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.Dispose();
        server.Dispose();
    }
}

/// <summary>What a webhook sender does per delivery before the network: the event's JSON, its signature, the request.</summary>
[MemoryDiagnoser]
public class SignedWebhookRequest
{
    private readonly WebhookSignature signature = new(WebhookSignature.NewSecret());
    private readonly ArrayBufferWriter<byte> body = new(2048);
    private readonly Uri url = new("http://127.0.0.1:8080/webhook/s0");
    private PublishedEvent evt = null!;

    [Params(64, 1024, 16 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => evt = new PublishedEvent(42, 123_456_789, MicroPayload.Create(Size));

    [Benchmark(Description = "build and serialise")]
    public async Task<long> BuildAndSerialise()
    {
        body.ResetWrittenCount();
        EventEnvelope.Write(body, evt, "s0", 42);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(body.WrittenMemory) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, "evt_42");
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, "1764201600");
        request.Headers.TryAddWithoutValidation(
            WebhookSignature.SignatureHeader, signature.Sign("evt_42", 1_764_201_600, body.WrittenSpan));
        using var serialised = new MemoryStream();
        await request.Content.CopyToAsync(serialised).ConfigureAwait(false);
        return serialised.Length + request.Headers.ToString().Length;
    }
}

/// <summary>HMAC-SHA256 as Standard Webhooks uses it: sign a 1 KiB body, and verify it in constant time.</summary>
[MemoryDiagnoser]
public class Hmac
{
    private readonly string secret = WebhookSignature.NewSecret();
    private WebhookSignature signature = null!;
    private WebhookVerifier verifier = null!;
    private byte[] body = null!;
    private string header = "";
    private string timestamp = "";

    [GlobalSetup]
    public void Setup()
    {
        signature = new WebhookSignature(secret);
        verifier = new WebhookVerifier(secret, TimeSpan.FromDays(3650), TimeProvider.System);
        body = EventEnvelope.ToArray(new PublishedEvent(7, 0, MicroPayload.Create(1024)), "s0", 7);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        timestamp = now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        header = signature.Sign("evt_7", now, body);
    }

    [Benchmark(Description = "sign 1 KiB")]
    public string Sign() => signature.Sign("evt_7", 1_764_201_600, body);

    [Benchmark(Description = "verify 1 KiB (constant time)")]
    public Verdict Verify() => verifier.Verify("evt_7", timestamp, header, body);
}

/// <summary>The event envelope every transport carries: written with Utf8JsonWriter, read back as a subscriber does.</summary>
[MemoryDiagnoser]
public class EventJson
{
    private readonly ArrayBufferWriter<byte> output = new(2048);
    private PublishedEvent evt = null!;
    private byte[] json = null!;

    [Params(64, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        evt = new PublishedEvent(42, 123_456_789, MicroPayload.Create(Size));
        json = EventEnvelope.ToArray(evt, "s0", 42);
    }

    [Benchmark(Description = "write")]
    public int Write()
    {
        output.ResetWrittenCount();
        EventEnvelope.Write(output, evt, "s0", 42);
        return output.WrittenCount;
    }

    [Benchmark(Description = "read")]
    public long Read() => EventEnvelope.Read(json).Seq;
}

/// <summary>The load engine's own cost per iteration: an intended time from the schedule, then sent and delivered recorded.</summary>
[MemoryDiagnoser]
public class EngineIteration
{
    private RunRecorder recorder = null!;
    private long start;
    private long n;
    private long interval;

    [GlobalSetup]
    public void Setup()
    {
        recorder = new RunRecorder(TimeProvider.System, TimeSpan.Zero, 3600);
        start = TimeProvider.System.GetTimestamp();
        recorder.Begin(start);
        interval = TimeProvider.System.TimestampFrequency / 100_000;
    }

    [Benchmark(Description = "schedule and record")]
    public long ScheduleAndRecord()
    {
        var intended = start + (++n % 1_000_000 * interval);
        recorder.RecordSent(intended);
        return recorder.RecordDelivered(intended, intended + 1000);
    }
}

internal static class MicroPayload
{
    public static byte[] Create(int bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var random = new Random(bytes);
        var payload = new byte[bytes];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)alphabet[random.Next(alphabet.Length)];
        }

        return payload;
    }
}
