using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using Bench.Targets.Publishing;
using Bench.Targets.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Receiver;

/// <summary>
/// The receiver's routes: <c>POST /webhook</c> and <c>POST /webhook/{stream}</c> verify and accept deliveries
/// (204; 400 missing headers or a corrupt gzip body; 401 bad signature or stale timestamp; 413 body too large, or a gzip
/// body that inflates past its limit; 415 an encoding other than gzip; 503 the de-duplication budget is full);
/// <c>/stats</c> counts them;
/// <c>POST /sink</c> answers 204 without looking (for measuring generators).
/// </summary>
public static class ReceiverEndpoints
{
    public static IServiceCollection AddReceiver(this IServiceCollection services, Action<ReceiverOptions> configure)
    {
        services.AddOptions<ReceiverOptions>()
            .Configure(configure)
            .Validate(
                o => Webhooks.WebhookSignature.Problem(o.Secret) is null,
                "the receiver needs a whsec_ secret of a 24- to 64-byte key");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWebhookObserver, NullWebhookObserver>();
        services.AddSingleton<ReceiverCounters>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            return new Deduplicator(o.DeduplicationBytes, o.TimestampTolerance, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            return new WebhookVerifier(o.Secret, o.TimestampTolerance, sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }

    public static IEndpointRouteBuilder MapReceiver(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhook", ReceiveAsync);

        // A plain sink (no verification, 204) for measuring load generators themselves.
        app.MapPost("/sink", async (HttpContext context) =>
        {
            var o = context.RequestServices.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            AllowBody(context, o.MaxBodyBytes);
            try
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                // Too large, or too slow: answered here, not logged as a failure of the receiver.
                context.Response.StatusCode = e.StatusCode;
                return;
            }

            await o.InjectDelay.ApplyAsync().ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }).RequireToken(Token);
        app.MapPost("/webhook/{stream}", ReceiveAsync);
        app.MapGet("/stats", (ReceiverCounters c) => Results.Json(c.Snapshot(), TargetsJson.Default.ReceiverStats)).RequireToken(Token);
        return app;
    }

    /// <summary>The receiver's bearer token for its control routes, or null when it has none.</summary>
    internal static string? Token(IServiceProvider services) => services.GetRequiredService<IOptions<ReceiverOptions>>().Value.Token;

    private static async Task ReceiveAsync(
        HttpContext context, IOptions<ReceiverOptions> options, WebhookVerifier verifier, IWebhookObserver observer,
        ReceiverCounters counters, Deduplicator deduplicator, TimeProvider clock)
    {
        var max = options.Value.MaxBodyBytes;
        AllowBody(context, max);
        if (context.Request.ContentLength > max)
        {
            counters.Reject(StatusCodes.Status413PayloadTooLarge);
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (encoding.Length > 0 && !gzip && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            counters.Reject(StatusCodes.Status415UnsupportedMediaType);
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var (buffer, length, refused) = await ReadBodyAsync(context, gzip, max, options.Value.MaxDecompressedBytes).ConfigureAwait(false);
        try
        {
            if (refused is { } code)
            {
                counters.Reject(code);
                context.Response.StatusCode = code;
                return;
            }

            var arrival = clock.GetTimestamp();
            var headers = context.Request.Headers;
            var verdict = verifier.Verify(
                headers[WebhookSignature.IdHeader], headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader],
                buffer.AsSpan(0, length));
            var status = verdict switch
            {
                Verdict.Valid => StatusCodes.Status204NoContent,
                Verdict.MissingHeaders => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status401Unauthorized,
            };
            if (verdict == Verdict.Valid && observer.Refusal(context.Request.Path.Value ?? "") is { } refusal)
            {
                // Overloaded: refused before processing, with how long to wait; the sender is to try again later.
                counters.Reject(refusal.Status);
                context.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = refusal.Status;
                return;
            }

            if (verdict == Verdict.Valid)
            {
                // Standard Webhooks de-duplicates on webhook-id alone: the path a replay is sent to does not make it new.
                var seen = deduplicator.Check(headers[WebhookSignature.IdHeader].ToString(), SignedSeconds(headers));
                if (seen == Seen.Full)
                {
                    // Forgetting an id still inside the tolerance would let its replay through: refuse, to be sent again.
                    counters.Reject(StatusCodes.Status503ServiceUnavailable);
                    var wait = deduplicator.SecondsUntilRoom();
                    context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }

                if (seen == Seen.First)
                {
                    observer.OnAccepted(buffer.AsSpan(0, length), arrival);
                    counters.Accept();
                    var busy = options.Value.ProcessingTime + observer.ProcessingTime(context.Request.Path.Value ?? "");
                    if (busy > TimeSpan.Zero)
                    {
                        await Task.Delay(busy, clock, context.RequestAborted).ConfigureAwait(false);
                    }
                }
                else
                {
                    counters.Duplicate();
                }
            }
            else
            {
                counters.Reject(status);
            }

            await options.Value.InjectDelay.ApplyAsync().ConfigureAwait(false);
            context.Response.StatusCode = status;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The signed <c>webhook-timestamp</c> of a delivery the verifier accepted (so it parses).</summary>
    private static long SignedSeconds(IHeaderDictionary headers) =>
        long.Parse(
            headers[WebhookSignature.TimestampHeader].ToString(),
            System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads the body, inflating it when gzip: at most <paramref name="max"/> bytes on the wire and
    /// <paramref name="maxInflated"/> once inflated (so a small "zip bomb" cannot make the receiver inflate gigabytes).
    /// Returns the buffer (rented; the caller returns it) and its length, or the status to refuse with: 413 too large,
    /// 400 a corrupt or truncated gzip body (its trailer's length and CRC-32 must match what inflated), 408 too slow.
    /// </summary>
    private static async Task<(byte[]? Buffer, int Length, int? Refused)> ReadBodyAsync(
        HttpContext context, bool gzip, int max, int maxInflated)
    {
        var ct = context.RequestAborted;
        byte[]? raw = null;
        try
        {
            (raw, var rawLength) = await ReadLimitedAsync(context.Request.Body, max, ct).ConfigureAwait(false);
            if (rawLength > max)
            {
                return (null, 0, StatusCodes.Status413PayloadTooLarge);
            }

            if (!gzip)
            {
                var body = raw;
                raw = null;
                return (body, rawLength, null);
            }

            using var compressed = new MemoryStream(raw, 0, rawLength, writable: false);
            await using var inflate = new GZipStream(compressed, CompressionMode.Decompress);
            var (inflated, length) = await ReadLimitedAsync(inflate, maxInflated, ct).ConfigureAwait(false);
            if (length > maxInflated || !GzipTrailer.Matches(raw.AsSpan(0, rawLength), inflated.AsSpan(0, length)))
            {
                ArrayPool<byte>.Shared.Return(inflated);
                return (null, 0, length > maxInflated ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest);
            }

            return (inflated, length, null);
        }
        catch (InvalidDataException)
        {
            return (null, 0, StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits (body size, minimum data rate): answered, not logged as a receiver failure.
            return (null, 0, e.StatusCode);
        }
        finally
        {
            if (raw is not null)
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }
    }

    /// <summary>
    /// Lets this request's body be as large as the receiver's limit
    /// (one byte more, so "too large" is seen and answered 413).
    /// </summary>
    private static void AllowBody(HttpContext context, int max)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = (long)max + 1;
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> to its end into a buffer rented from the shared pool (the caller returns it;
    /// on an exception it is returned here), but stops as soon as it holds more than <paramref name="limit"/> bytes;
    /// the length returned is then limit + 1.
    /// </summary>
    internal static async Task<(byte[] Buffer, int Length)> ReadLimitedAsync(Stream source, int limit, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await source.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit + 1) - length), ct)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    return (buffer, length);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

/// <summary>Counts of accepted and refused deliveries.</summary>
public sealed class ReceiverCounters
{
    private readonly ConcurrentDictionary<int, long> rejected = new();
    private long accepted;
    private long duplicates;

    public void Accept() => Interlocked.Increment(ref accepted);

    public void Duplicate() => Interlocked.Increment(ref duplicates);

    public void Reject(int status) => rejected.AddOrUpdate(status, 1, (_, c) => c + 1);

    public ReceiverStats Snapshot() => new(
        Interlocked.Read(ref accepted),
        Interlocked.Read(ref duplicates),
        rejected.ToDictionary(
            kv => "http_" + kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value, StringComparer.Ordinal));
}

/// <summary>
/// The receiver's counters at <c>/stats</c>: deliveries processed,
/// redeliveries recognised (not processed again), refusals by status.
/// </summary>
public sealed record ReceiverStats(long Accepted, long Duplicates, Dictionary<string, long> Rejected);
