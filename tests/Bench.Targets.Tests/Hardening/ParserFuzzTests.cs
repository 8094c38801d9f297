using System.Net.WebSockets;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Publishing;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using FsCheck;
using FsCheck.Xunit;

namespace Bench.Targets.Tests.Hardening;

/// <summary>
/// Fuzz, bounded: the parsers the targets own get random and mutated input and either accept it or reject it the
/// documented way (a <see cref="FormatException"/>, a verdict, a problem string) — never another exception.
/// </summary>
public sealed class ParserFuzzTests
{
    /// <summary>Characters a mutation writes: the ones that matter to the format.</summary>
    private const string Alphabet = "{}[]\",:-09e.tn\\";

    private static readonly byte[] Envelope = EventEnvelope.ToArray(new PublishedEvent(7, 1234, "payload"u8.ToArray()), "stream-1", 3);

    [Property(MaxTest = 500)]
    public void A_publish_frame_of_any_bytes_is_read_or_refused_with_FormatException(byte[] frame)
    {
        try
        {
            var evt = PublishedEvent.ReadFrame(frame);
            Assert.Equal(frame.Length - PublishedEvent.HeaderBytes, evt.Payload.Length);
        }
        catch (FormatException)
        {
            Assert.True(frame.Length < PublishedEvent.HeaderBytes);
        }
    }

    [Property(MaxTest = 1000)]
    public void A_mutated_envelope_is_read_or_refused_with_FormatException(int seed)
    {
        var random = new Random(seed);
        var bytes = Envelope.ToList();
        for (var i = random.Next(1, 4); i > 0 && bytes.Count > 0; i--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 10), bytes.Count - at));
                    break;
                default:
                    bytes.Insert(at, (byte)Alphabet[random.Next(Alphabet.Length)]);
                    break;
            }
        }

        try
        {
            var fields = EventEnvelope.Read([.. bytes]);
            Assert.True(fields.Seq > 0);
        }
        catch (FormatException)
        {
            // Refused as documented.
        }
    }

    [Property(MaxTest = 500)]
    public void Webhook_headers_of_any_text_get_a_verdict(string? id, string? timestamp, string? signature, byte[] body)
    {
        var verifier = new WebhookVerifier(WebhookSignature.NewSecret(), TimeSpan.FromMinutes(5), TimeProvider.System);

        var verdict = verifier.Verify(id, timestamp, signature, body);

        Assert.NotEqual(Verdict.Valid, verdict);
    }

    [Property(MaxTest = 500)]
    public void Stream_names_secrets_and_gzip_trailers_of_any_text_are_judged_without_throwing(string? text, byte[] bytes)
    {
        _ = StreamNames.Problem(text ?? "");
        _ = WebhookSignature.Problem(text);
        _ = Bench.Targets.Dispatcher.EndpointRules.Problem(
            new Bench.Targets.Dispatcher.EndpointRecord(text ?? "", text ?? "", text ?? ""), allowNonLoopback: false);
        _ = GzipTrailer.Matches(bytes, bytes);
    }

    [Property(MaxTest = 200)]
    public void A_webhook_secret_is_accepted_exactly_when_its_key_is_24_to_64_bytes(PositiveInt length)
    {
        var key = new byte[Math.Min(length.Get, 200)];
        var problem = WebhookSignature.Problem("whsec_" + Convert.ToBase64String(key));

        Assert.Equal(key.Length is >= 24 and <= 64, problem is null);
    }

    [Fact]
    public async Task Random_publish_frames_over_a_real_socket_are_acknowledged_or_closed_with_a_reason_and_the_hub_keeps_serving()
    {
        await using var hub = await TargetHost.StartHubAsync(o =>
        {
            o.Token = HostileClient.Token;
            o.MaxMessageBytes = 1024;
        });
        var random = new Random(7);
        var acked = 0;
        for (var i = 0; i < 60; i++)
        {
            using var ws = await HostileClient.OpenAsync(hub, "/publish");
            var frame = new byte[random.Next(0, 1200 + PublishedEvent.HeaderBytes)];
            random.NextBytes(frame);
            var type = random.Next(4) == 0 ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
            await ws.SendAsync(frame, type, true, CancellationToken.None);

            var answer = new byte[64];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            ValueWebSocketReceiveResult result;
            try
            {
                result = await ws.ReceiveAsync(answer.AsMemory(), cts.Token);
            }
            catch (WebSocketException)
            {
                // Random text is rarely valid UTF-8, and the runtime fails such a connection outright (RFC 6455 §8.1).
                Assert.Equal(WebSocketMessageType.Text, type);
                continue;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                Assert.True(
                    ws.CloseStatus is WebSocketCloseStatus.InvalidPayloadData or WebSocketCloseStatus.MessageTooBig,
                    $"closed with {ws.CloseStatus}");
                Assert.True(
                    type == WebSocketMessageType.Text
                    || frame.Length < PublishedEvent.HeaderBytes
                    || frame.Length > 1024 + PublishedEvent.HeaderBytes);
            }
            else
            {
                Assert.Equal(8, result.Count);
                acked++;
            }
        }

        var stats = await HostileClient.StatsAsync(hub, TargetsJson.Default.HubStats);
        Assert.Equal(acked, stats.Published);
        Assert.True(acked > 10, $"{acked} of 60 frames were well formed");
    }
}
