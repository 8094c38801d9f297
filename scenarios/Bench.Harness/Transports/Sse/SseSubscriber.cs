using System.Net;
using System.Net.Http.Headers;
using Bench.Harness.Clients;

namespace Bench.Harness.Transports.Sse;

/// <summary>
/// A subscriber of the hub's <c>/sse/subscribe</c>, reading the event stream over <c>HttpClient</c> and reconnecting the
/// way <c>EventSource</c> does: after the server's <c>retry:</c> time (backing off while it stays unreachable), sending
/// <c>Last-Event-ID</c> with the id of the last event received when resuming. The server's comment lines are its
/// keep-alive: silence longer than the keep-alive interval plus its timeout counts as a dead connection.
/// </summary>
public sealed class SseSubscriber : ReconnectingSubscriber
{
    private readonly HttpClient client;
    private readonly Uri url;
    private readonly IReadOnlyDictionary<string, string> headers;
    private HttpResponseMessage? response;
    private SseReader? reader;
    private string lastEventId = "";

    private SseSubscriber(HttpClient client, Uri url, IReadOnlyDictionary<string, string> headers, string stream, SubscriberOptions options)
        : base(stream, options)
    {
        this.client = client;
        this.url = url;
        this.headers = headers;
    }

    /// <summary>A subscriber of the hub's stream <paramref name="stream"/>.</summary>
    public static Task<IStreamSubscriber> ConnectAsync(string hubUrl, string token, string stream,
        SubscriberOptions options, CancellationToken ct) =>
        // takeover=1 in the URL, as an EventSource must (it reconnects to the same URL): coming back replaces the old connection.
        ConnectAsync(new Uri(hubUrl.TrimEnd('/') + "/sse/subscribe?takeover=1&stream=" + Uri.EscapeDataString(stream)),
            new Dictionary<string, string> { ["Authorization"] = "Bearer " + token }, stream, options, ct);

    /// <summary>
    /// A subscriber of any event stream at <paramref name="url"/> with <paramref name="headers"/>, accounted as
    /// <paramref name="stream"/> (a target file's). Its handler is the run's wire when Bench's own targets are measured.
    /// </summary>
    public static async Task<IStreamSubscriber> ConnectAsync(Uri url, IReadOnlyDictionary<string, string> headers, string stream,
        SubscriberOptions options, CancellationToken ct)
    {
        var handler = options.Wire is { } wire ? wire.Handler(options.Source) : new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false
        };
        if (options.Wire?.Compressed == true)
        {
            handler.AutomaticDecompression = DecompressionMethods.GZip;
        }

        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var subscriber = new SseSubscriber(client, url, headers, stream, options);
        try
        {
            await subscriber.ReopenAsync(null, ct).ConfigureAwait(false);
            return subscriber;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The server's <c>retry:</c>, the least wait before reconnecting (bounded by the backoff's cap by the base class).</summary>
    protected override TimeSpan ReconnectFloor => reader?.Retry ?? TimeSpan.Zero;

    protected override async Task ReopenAsync(long? resumeFrom, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };

        // EventSource sends the last event ID it has; resume is what sending it asks for.
        if (resumeFrom is not null && lastEventId.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var next = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (next.StatusCode != HttpStatusCode.OK || next.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var status = (int)next.StatusCode;
            next.Dispose();
            throw new HttpRequestException($"the SSE subscription was answered {status}, not a text/event-stream",
                null, (HttpStatusCode)status);
        }

        var retry = reader?.Retry;
        response = next;
        reader = new SseReader(await next.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        if (retry is { } kept)
        {
            // The reconnection time lasts until the server sends another.
            reader.KeepRetry(kept);
        }
    }

    protected override async ValueTask<int> ReceiveAsync(byte[] buffer, int limit, CancellationToken ct)
    {
        var current = reader ?? throw new InvalidOperationException("not connected");
        var silence = Options.KeepAliveInterval > TimeSpan.Zero && Options.KeepAliveTimeout > TimeSpan.Zero
            ? Options.KeepAliveInterval + Options.KeepAliveTimeout
            : Timeout.InfiniteTimeSpan;
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quiet.CancelAfter(silence);
        var length = await current.ReadEventAsync(buffer, quiet.Token).ConfigureAwait(false);
        lastEventId = current.LastEventId;
        return length;
    }

    protected override void Abandon()
    {
        response?.Dispose();
        response = null;
    }

    protected override ValueTask CloseAsync()
    {
        Abandon();
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
