using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Bench.Targets.Events;
using Bench.Targets.Publishing;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Dispatcher;

/// <summary>
/// Delivers each published event to every registered endpoint as a signed POST, over one pooled
/// <see cref="SocketsHttpHandler"/>, with a per-delivery timeout. Failures are counted by kind; retries come later.
/// </summary>
public sealed class WebhookDispatcher : IEventSink, IAsyncDisposable
{
    private readonly DispatcherOptions options;
    private readonly TimeProvider clock;
    private readonly HttpClient http;
    private readonly ConcurrentDictionary<string, Endpoint> endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> failures = new(StringComparer.Ordinal);
    private readonly List<Task> workers = [];
    private readonly CancellationTokenSource stopping = new();
    private long published;
    private long delivered;

    public WebhookDispatcher(IOptions<DispatcherOptions> options, TimeProvider clock)
    {
        this.options = options.Value;
        this.clock = clock;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public int EndpointCount => endpoints.Count;

    /// <summary>Registers an endpoint and starts its delivery workers; returns false with a reason when refused.</summary>
    public bool TryRegister(SubscriptionRequest request, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            problem = "url must be an absolute http(s) URL";
            return false;
        }

        if (!options.AllowNonLoopbackEndpoints && !IsLoopback(url))
        {
            problem = "only loopback endpoints (127.0.0.0/8, ::1, localhost) may be registered";
            return false;
        }

        var stream = string.IsNullOrEmpty(request.Stream) ? "e" + endpoints.Count.ToString(CultureInfo.InvariantCulture) : request.Stream;
        Endpoint endpoint;
        try
        {
            endpoint = new Endpoint(url, stream, request.Secret, options.EndpointQueueCapacity);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
            return false;
        }

        if (!endpoints.TryAdd(stream, endpoint))
        {
            problem = $"stream '{stream}' is registered already";
            return false;
        }

        lock (workers)
        {
            for (var i = 0; i < options.MaxInFlightPerEndpoint; i++)
            {
                workers.Add(Task.Run(() => DeliverLoopAsync(endpoint, stopping.Token)));
            }
        }

        return true;
    }

    public void Publish(PublishedEvent evt)
    {
        Interlocked.Increment(ref published);
        foreach (var endpoint in endpoints.Values)
        {
            endpoint.Enqueue(evt);
        }
    }

    public DispatcherStats Stats() => new(
        Interlocked.Read(ref published),
        endpoints.Count,
        Interlocked.Read(ref delivered),
        endpoints.Values.Sum(e => e.Dropped),
        new Dictionary<string, long>(failures, StringComparer.Ordinal));

    private async Task DeliverLoopAsync(Endpoint endpoint, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(1024);
        try
        {
            await foreach (var (evt, seq) in endpoint.Queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                body.ResetWrittenCount();
                EventEnvelope.Write(body, evt, endpoint.Stream, seq);
                var kind = await DeliverOnceAsync(endpoint, evt.Id, body.WrittenMemory, ct).ConfigureAwait(false);
                if (kind is null)
                {
                    Interlocked.Increment(ref delivered);
                }
                else
                {
                    failures.AddOrUpdate(kind, 1, (_, c) => c + 1);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The dispatcher is stopping.
        }
    }

    /// <summary>One delivery attempt; returns null on 2xx, else the failure kind.</summary>
    private async Task<string?> DeliverOnceAsync(Endpoint endpoint, string id, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new ReadOnlyMemoryContent(body),
            Version = HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, id);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, endpoint.Signature.Sign(id, timestamp, body.Span));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.DeliveryTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : "http_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return "timeout";
        }
        catch (HttpRequestException e)
        {
            return "connection_" + (e.HttpRequestError.ToString().ToLowerInvariant());
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        foreach (var endpoint in endpoints.Values)
        {
            endpoint.Queue.Writer.TryComplete();
        }

        Task[] all;
        lock (workers)
        {
            all = [.. workers];
        }

        await Task.WhenAll(all).ConfigureAwait(false);
        http.Dispose();
        stopping.Dispose();
    }
}

/// <summary>The dispatcher's counters at <c>/stats</c>.</summary>
public sealed record DispatcherStats(long Published, int Endpoints, long Delivered, long Dropped, Dictionary<string, long> Failures);
