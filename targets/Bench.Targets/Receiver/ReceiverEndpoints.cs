using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
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
/// (204; 400 missing headers or a corrupt gzip body; 401 bad signature or stale timestamp; 413 body too large, or a gzip body that inflates past its limit; 415 an encoding other than gzip); <c>/stats</c> counts them;
/// <c>POST /sink</c> answers 204 without looking (for measuring generators).
/// </summary>
public static class ReceiverEndpoints
{
    public static IServiceCollection AddReceiver(this IServiceCollection services, Action<ReceiverOptions> configure)
    {
        services.AddOptions<ReceiverOptions>().Configure(configure).Validate(o => o.Secret.Length > 0, "the receiver needs a secret");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWebhookObserver, NullWebhookObserver>();
        services.AddSingleton<ReceiverCounters>();
        services.AddSingleton(sp => new Deduplicator(sp.GetRequiredService<IOptions<ReceiverOptions>>().Value.DeduplicationWindow));
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
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            Hosting.InjectedDelay.Spend(context.RequestServices.GetRequiredService<IOptions<ReceiverOptions>>().Value.InjectDelay);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        app.MapPost("/webhook/{stream}", ReceiveAsync);
        app.MapGet("/stats", (ReceiverCounters c) => Results.Json(c.Snapshot(), TargetsJson.Default.ReceiverStats));
        return app;
    }

    private static async Task ReceiveAsync(
        HttpContext context, IOptions<ReceiverOptions> options, WebhookVerifier verifier, IWebhookObserver observer,
        ReceiverCounters counters, Deduplicator deduplicator, TimeProvider clock)
    {
        var max = options.Value.MaxBodyBytes;
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

        // A gzip body is limited by what it expands to, so a small "zip bomb" cannot make the receiver inflate gigabytes.
        var limit = gzip ? options.Value.MaxDecompressedBytes : max;
        var source = gzip ? new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true) : context.Request.Body;
        byte[]? buffer = null;
        try
        {
            int length;
            try
            {
                (buffer, length) = await ReadLimitedAsync(source, limit, context.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                counters.Reject(StatusCodes.Status400BadRequest);
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            finally
            {
                if (gzip)
                {
                    await source.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (length > limit)
            {
                counters.Reject(StatusCodes.Status413PayloadTooLarge);
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
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
                var key = context.Request.Path.Value + "|" + headers[WebhookSignature.IdHeader];
                if (deduplicator.FirstTime(key))
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

            Hosting.InjectedDelay.Spend(options.Value.InjectDelay);
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

                var read = await source.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit + 1) - length), ct).ConfigureAwait(false);
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
        rejected.ToDictionary(kv => "http_" + kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value, StringComparer.Ordinal));
}

/// <summary>The receiver's counters at <c>/stats</c>: deliveries processed, redeliveries recognised (not processed again), refusals by status.</summary>
public sealed record ReceiverStats(long Accepted, long Duplicates, Dictionary<string, long> Rejected);
