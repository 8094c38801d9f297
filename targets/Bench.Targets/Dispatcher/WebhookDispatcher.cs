using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Bench.Targets.Events;
using Bench.Targets.Publishing;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Dispatcher;

/// <summary>
/// Delivers each published event to every registered endpoint as a signed POST (Standard Webhooks), over one pooled
/// <see cref="SocketsHttpHandler"/>, with a per-delivery timeout. Deliveries are written to the outbox before they are
/// acknowledged to the publisher, retried on the Standard Webhooks schedule (Retry-After honoured on 429 and 503), given
/// up when the schedule is spent, and stopped for good by 410 Gone. At least once: a delivery whose 2xx was lost is sent again.
/// </summary>
public sealed class WebhookDispatcher : IEventSink, IAsyncDisposable
{
    private readonly DispatcherOptions options;
    private readonly TimeProvider clock;
    private readonly IOutbox outbox;
    private readonly RetrySchedule schedule;
    private readonly HttpClient http;
    private readonly ConcurrentDictionary<string, Endpoint> endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ITimer, byte> retryTimers = new();
    private readonly List<Task> workers = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly object publishGate = new();
    private long nextId;

    // Delivery ids start again from what the outbox holds (from 1 when it is empty, or in memory): the launch's own
    // random prefix keeps webhook-ids unique across restarts, so a receiver never takes a new message for a replay.
    private readonly string launch = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
    private long published;
    private long delivered;
    private long retries;
    private long gaveUp;
    private long pending;
    private long pendingBytes;
    private long refused;
    private long refusedOnRecovery;
    private long firstFailure;
    private readonly ILogger? logger;

    /// <summary>What one pending delivery costs beyond its payload: the record, its queue entry, its outbox row.</summary>
    internal const int DeliveryOverhead = 256;

    public WebhookDispatcher(IOptions<DispatcherOptions> options, TimeProvider clock, ILogger<WebhookDispatcher>? logger = null)
    {
        this.options = options.Value;
        this.clock = clock;
        this.logger = logger;
        outbox = this.options.OutboxPath is { } path ? new SqliteOutbox(path) : new MemoryOutbox(this.options.EndpointsPath);
        schedule = new RetrySchedule(this.options.RetrySchedule, this.options.RetryTimeScale, this.options.RetryJitter);
        var handler = this.options.CreateHandler?.Invoke() ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            // Under the receiver's one-minute keep-alive, so the sender closes an idle connection before the receiver does.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = this.options.TrustedCertificatePin is { } pin ? Wire.TlsIdentity.ClientOptions(pin) : new(),
            ConnectCallback = ConnectAsync,
        };
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Recover();
    }

    public int EndpointCount => endpoints.Count;

    /// <summary>Publishing connections (<c>/publish</c>) open; beyond the limit they are refused with 503.</summary>
    public ConnectionLimiter Publishers { get; } = new(PublishEndpoint.DefaultMaxConnections);

    /// <summary>
    /// Registers an endpoint (again: the same stream name replaces it) and starts its workers. Refused with a reason and
    /// a status: 400 a field that is not valid, 429 the endpoint limit reached.
    /// </summary>
    public bool TryRegister(SubscriptionRequest request, out string? problem, out int status)
    {
        status = StatusCodes.BadRequest;
        var stream = string.IsNullOrEmpty(request.Stream) ? "e" + endpoints.Count.ToString(CultureInfo.InvariantCulture) : request.Stream;
        var record = new EndpointRecord(stream, request.Url ?? "", request.Secret ?? "");
        problem = EndpointRules.Problem(record, options.AllowNonLoopbackEndpoints);
        if (problem is not null)
        {
            return false;
        }

        if (endpoints.TryGetValue(stream, out var existing) && existing.Record == record)
        {
            return true; // registered already, as it is
        }

        if (existing is null && endpoints.Count >= options.MaxEndpoints)
        {
            status = StatusCodes.TooMany;
            problem = $"the dispatcher holds its limit of {options.MaxEndpoints} endpoints";
            return false;
        }

        outbox.SaveEndpoint(record);
        Start(new Endpoint(record, options.EndpointQueueCapacity));
        return true;
    }

    /// <summary>Registers an endpoint; false with a reason when refused.</summary>
    public bool TryRegister(SubscriptionRequest request, out string? problem) => TryRegister(request, out problem, out _);

    private static class StatusCodes
    {
        public const int BadRequest = 400, TooMany = 429;
    }

    public void Publish(PublishedEvent evt)
    {
        lock (publishGate)
        {
            Interlocked.Increment(ref published);
            var live = endpoints.Values.Where(e => !e.Disabled).ToList();
            var cost = (long)live.Count * (evt.Payload.Length + DeliveryOverhead);
            if (Interlocked.Add(ref pendingBytes, cost) > options.MaxPendingBytes)
            {
                // Full: the event is refused for every endpoint and counted, rather than growing without bound.
                Interlocked.Add(ref pendingBytes, -cost);
                Interlocked.Add(ref refused, live.Count);
                return;
            }

            var batch = new List<(Endpoint Endpoint, Delivery Delivery)>(live.Count);
            foreach (var endpoint in live)
            {
                batch.Add((endpoint, NewDelivery(endpoint, evt)));
            }

            // Written before the publisher is told the event was accepted, and before any attempt.
            outbox.Add([.. batch.Select(b => b.Delivery)]);
            Interlocked.Add(ref pending, batch.Count);
            foreach (var (endpoint, delivery) in batch)
            {
                if (!endpoint.TryQueue(delivery))
                {
                    Complete(delivery);
                }
            }
        }
    }

    private Delivery NewDelivery(Endpoint endpoint, PublishedEvent evt)
    {
        var id = ++nextId;
        return new Delivery(id, endpoint.Stream, evt.Number, endpoint.NextSeq(), evt.IntendedTimestamp, evt.Payload.ToArray())
        {
            WebhookId = WebhookId(id),
        };
    }

    /// <summary>The webhook-id of delivery <paramref name="id"/> made in this launch: <c>msg_</c>, the launch's prefix, the id.</summary>
    private string WebhookId(long id) => "msg_" + launch + "_" + id.ToString(CultureInfo.InvariantCulture);

    public DispatcherStats Stats() => new(
        Interlocked.Read(ref published),
        endpoints.Count,
        Interlocked.Read(ref delivered),
        endpoints.Values.Sum(e => e.Dropped),
        new Dictionary<string, long>(failures, StringComparer.Ordinal),
        Interlocked.Read(ref retries),
        Interlocked.Read(ref gaveUp),
        Interlocked.Read(ref pending),
        Interlocked.Read(ref firstFailure),
        endpoints.Values.Count(e => e.Disabled),
        outbox.IsDurable ? "sqlite" : "memory")
    {
        PendingBytes = Interlocked.Read(ref pendingBytes),
        Refused = Interlocked.Read(ref refused),
        RefusedOnRecovery = Interlocked.Read(ref refusedOnRecovery),
    };

    /// <summary>
    /// After a restart: the endpoints and pending deliveries the outbox kept. Every endpoint is checked again as at
    /// registration (a file edited or written by an older version must not bring back what would be refused now).
    /// </summary>
    private void Recover()
    {
        foreach (var record in outbox.LoadEndpoints())
        {
            var problem = EndpointRules.Problem(record, options.AllowNonLoopbackEndpoints);
            if (problem is not null || endpoints.Count >= options.MaxEndpoints)
            {
                refusedOnRecovery++;
                logger?.LogWarning(
                    "outbox endpoint '{Stream}' not restored: {Problem}", Printable(record.Stream), problem ?? "endpoint limit reached");
                continue;
            }

            Start(new Endpoint(record, options.EndpointQueueCapacity));
        }

        nextId = outbox.MaxId();
        foreach (var delivery in outbox.LoadPending())
        {
            if (endpoints.TryGetValue(delivery.Stream, out var endpoint))
            {
                endpoint.ContinueSeqAfter(delivery.Seq);
                Interlocked.Increment(ref pending);
                Interlocked.Add(ref pendingBytes, delivery.Payload.Length + DeliveryOverhead);
                if (!endpoint.TryQueue(delivery))
                {
                    Complete(delivery);
                }
            }
        }
    }

    private void Start(Endpoint endpoint)
    {
        if (endpoints.TryGetValue(endpoint.Stream, out var old))
        {
            old.Disabled = true;
            old.Ready.Writer.TryComplete();
        }

        endpoints[endpoint.Stream] = endpoint;
        lock (workers)
        {
            for (var i = 0; i < options.MaxInFlightPerEndpoint; i++)
            {
                workers.Add(Task.Run(() => DeliverLoopAsync(endpoint, stopping.Token)));
            }
        }
    }

    private async Task DeliverLoopAsync(Endpoint endpoint, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(1024);
        try
        {
            await foreach (var delivery in endpoint.Ready.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (endpoint.Disabled)
                {
                    GiveUp(delivery);
                    continue;
                }

                body.ResetWrittenCount();
                EventEnvelope.Write(
                    body,
                    new PublishedEvent(delivery.EventNumber, delivery.IntendedTimestamp, delivery.Payload),
                    endpoint.Stream,
                    delivery.Seq);
                var webhookId = delivery.WebhookId is { Length: > 0 } kept ? kept : WebhookId(delivery.Id);
                var (kind, retryAfter) = await DeliverOnceAsync(endpoint, webhookId, body.WrittenMemory, ct).ConfigureAwait(false);
                delivery.Attempt++;
                if (kind is null)
                {
                    Interlocked.Increment(ref delivered);
                    Complete(delivery);
                    continue;
                }

                failures.AddOrUpdate(kind, 1, (_, c) => c + 1);
                Interlocked.CompareExchange(ref firstFailure, clock.GetTimestamp(), 0);
                if (kind == "http_410")
                {
                    endpoint.Disabled = true;
                    GiveUp(delivery);
                    continue;
                }

                ScheduleRetry(endpoint, delivery, retryAfter);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The dispatcher is stopping; pending deliveries stay in the outbox.
        }
    }

    private void ScheduleRetry(Endpoint endpoint, Delivery delivery, TimeSpan? retryAfter)
    {
        if (schedule.DelayBefore(delivery.Attempt, Random.Shared.NextDouble(), retryAfter) is not { } delay)
        {
            GiveUp(delivery);
            return;
        }

        Interlocked.Increment(ref retries);
        ITimer? timer = null;
        timer = clock.CreateTimer(_ =>
        {
            if (timer is not null)
            {
                retryTimers.TryRemove(timer, out byte _);
                timer.Dispose();
            }

            if (!endpoint.TryQueue(delivery))
            {
                Complete(delivery);
            }
        }, null, delay, Timeout.InfiniteTimeSpan);
        retryTimers.TryAdd(timer, 0);
    }

    private void GiveUp(Delivery delivery)
    {
        Interlocked.Increment(ref gaveUp);
        Complete(delivery);
    }

    private void Complete(Delivery delivery)
    {
        outbox.Remove(delivery.Id);
        Interlocked.Decrement(ref pending);
        Interlocked.Add(ref pendingBytes, -(delivery.Payload.Length + DeliveryOverhead));
    }

    /// <summary>A name as it may be logged: at most 64 characters, nothing that could start a new log line.</summary>
    private static string Printable(string value) =>
        new([.. value.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);

    /// <summary>
    /// A body gzip-compressed at the default level, as most senders do. (The fastest level uses fixed Huffman codes,
    /// which barely shrink text that is not repetitive.)
    /// </summary>
    public static byte[] Gzip(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream(body.Length / 2 + 64);
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }

    /// <summary>One delivery attempt; returns null on 2xx, else the failure kind and any Retry-After asked for.</summary>
    private async Task<(string? Kind, TimeSpan? RetryAfter)> DeliverOnceAsync(
        Endpoint endpoint, string id, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        await options.InjectDelay.ApplyAsync().ConfigureAwait(false);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new ReadOnlyMemoryContent(options.GzipBodies ? Gzip(body.Span) : body),
            Version = HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (options.GzipBodies)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        if (options.NewConnectionPerDelivery)
        {
            request.Headers.ConnectionClose = true;
        }

        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, id);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, endpoint.Signature.Sign(id, timestamp, body.Span));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.DeliveryTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (null, null);
            }

            var code = (int)response.StatusCode;
            TimeSpan? retryAfter = null;
            if (code is 429 or 503 && response.Headers.RetryAfter is { } ra)
            {
                retryAfter = ra.Delta ?? (ra.Date is { } at ? at - clock.GetUtcNow() : null);
            }

            return ("http_" + code.ToString(CultureInfo.InvariantCulture), retryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ("timeout", null);
        }
        catch (HttpRequestException e)
        {
            return ("connection_" + e.HttpRequestError.ToString().ToLowerInvariant(), null);
        }
    }

    internal static bool IsLoopback(Uri url) =>
        url.IsLoopback || IsLocalhostName(url.DnsSafeHost) || (IPAddress.TryParse(url.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// <c>NAME.localhost</c> is loopback (RFC 6761 §6.3), whatever the system resolver says. Bench gives each webhook
    /// endpoint its own such host name, so each is its own origin with its own connection pool, as endpoints on
    /// different hosts are in production, while every connection still goes to the one loopback receiver.
    /// </summary>
    public static bool IsLocalhostName(string host) => host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
        {
            NoDelay = true,
        };
        try
        {
            var endpoint = context.DnsEndPoint;
            if (IsLocalhostName(endpoint.Host))
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, endpoint.Port), ct).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
            }

            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        foreach (var timer in retryTimers.Keys)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var endpoint in endpoints.Values)
        {
            endpoint.Ready.Writer.TryComplete();
        }

        Task[] all;
        lock (workers)
        {
            all = [.. workers];
        }

        await Task.WhenAll(all).ConfigureAwait(false);
        http.Dispose();
        outbox.Dispose();
        stopping.Dispose();
    }
}

/// <summary>
/// The dispatcher's counters at <c>/stats</c>: events published; endpoints; deliveries that got a 2xx; deliveries dropped
/// on full queues; failed attempts by kind; retries scheduled; deliveries given up (schedule spent or 410); deliveries
/// still pending; the timestamp of the first failed attempt (0 if none); endpoints disabled by 410; the outbox kind;
/// bytes the pending deliveries hold; deliveries refused because pending bytes reached their limit; endpoints the
/// outbox held that were not restored at start-up because they are no longer valid.
/// </summary>
public sealed record DispatcherStats(
    long Published, int Endpoints, long Delivered, long Dropped, Dictionary<string, long> Failures,
    long Retries, long GaveUp, long Pending, long FirstFailureTimestamp, int DisabledEndpoints, string Outbox)
{
    public long PendingBytes { get; init; }

    public long Refused { get; init; }

    public long RefusedOnRecovery { get; init; }
}
