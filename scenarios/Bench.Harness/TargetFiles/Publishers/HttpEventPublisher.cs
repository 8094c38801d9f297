using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Clients;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// Makes a target file's system emit events: one HTTP request per event, from the file's <c>publish.http</c> template
/// with Bench's envelope in it (<c>{event}</c>). A 2xx answer is an accepted event; anything else, or no answer, a
/// refused one, counted by kind (<c>publish_http_503</c>, <c>publish_unreachable</c>, <c>publish_timeout</c>,
/// <c>publish_invalid_response</c>, <c>publish_host_not_allowed</c>).
/// </summary>
/// <remarks>
/// A plain <c>http</c> URL is sent through <see cref="LeanHttpConnection"/>s, kept and reused one request at a time
/// (as many as publishes run at once), which spend less CPU per request than <c>SocketsHttpHandler</c>; an
/// <c>https</c> URL keeps <c>SocketsHttpHandler</c>. Either way a request goes only to a host of
/// <paramref name="hosts"/> (when given) and no redirect is followed.
/// </remarks>
public sealed class HttpEventPublisher(
    HttpTemplate template, string stream, Payloads payloads, TimeProvider clock, ExternalTarget? target = null,
    IReadOnlyCollection<string>? hosts = null) : ITargetPublisher
{
    /// <summary>Publishes in a row that found nobody listening before the target counts as gone (the run then stops, exit 4).</summary>
    public const int UnreachableInARow = 20;

    /// <summary>How long a publish may wait for its answer.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private int unreachableInARow;

    private readonly HttpClient client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        Timeout = RequestTimeout,
    };

    /// <summary>Idle lean connections by host and port.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentBag<LeanHttpConnection>> idle = new(StringComparer.OrdinalIgnoreCase);

    private readonly PublishCounts counts = new(clock);

    public long AcceptedCount => counts.AcceptedCount;

    public long Rejected => counts.Rejected;

    public long FirstRejectionTimestamp => counts.FirstRejectionTimestamp;

    /// <summary>None: each publish is a request of its own, and a refused one is counted by its kind.</summary>
    public Bench.Reports.Warnings.RunWarning? Warning => null;

    public SequenceSet Accepted() => counts.Accepted();

    /// <summary>
    /// Bench's envelope for event <paramref name="number"/>: seq is the event number, as every subscriber gets every event.
    /// </summary>
    public static string Envelope(long number, long intendedTimestamp, ReadOnlyMemory<byte> payload, string stream) =>
        TemplateValues.ForEvent(stream, number, intendedTimestamp, payload).Event;

    /// <summary>The request that publishes event <paramref name="number"/> from <paramref name="template"/>.</summary>
    public static HttpRequestMessage Request(
        HttpTemplate template, string stream, ReadOnlyMemory<byte> payload, long number, long intendedTimestamp)
    {
        var values = TemplateValues.ForEvent(stream, number, intendedTimestamp, payload);
        var request = new HttpRequestMessage(new HttpMethod(template.Method), TemplateText.FillUrl(template.Url, values));
        if (template.Body is { } body)
        {
            request.Content = new StringContent(TemplateText.Fill(body, values), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in template.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.Remove(name);
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    /// <summary>
    /// The bytes of the request that publishes the event of <paramref name="values"/> to <paramref name="uri"/> (plain http),
    /// with the headers <see cref="Request"/> would send: the template's, and <c>Content-Type: application/json;
    /// charset=utf-8</c> for a body unless the template names its own.
    /// </summary>
    public static byte[] LeanRequest(HttpTemplate template, Uri uri, TemplateValues values)
    {
        var body = template.Body is { } text ? Encoding.UTF8.GetBytes(TemplateText.Fill(text, values)) : [];
        var headers = new List<KeyValuePair<string, string>>(template.Headers.Count + 1);
        if (template.Body is not null && !template.Headers.Keys.Any(k => k.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Content-Type", "application/json; charset=utf-8"));
        }

        headers.AddRange(template.Headers);
        return LeanHttpRequest.Format(template.Method, uri, headers, body);
    }

    public async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        try
        {
            var values = TemplateValues.ForEvent(stream, number, intendedTimestamp, payloads.For(number));
            var uri = new Uri(TemplateText.FillUrl(template.Url, values));
            if (hosts is not null && !AllowedHostsHandler.Allows(hosts, uri))
            {
                throw Refused("host_not_allowed", new HostNotAllowedException(uri));
            }

            var status = LeanHttpConnection.Supports(uri)
                ? await SendLeanAsync(uri, LeanRequest(template, uri, values), ct).ConfigureAwait(false)
                : await SendStockAsync(number, intendedTimestamp, ct).ConfigureAwait(false);
            Volatile.Write(ref unreachableInARow, 0);
            if (status is >= 200 and <= 299)
            {
                counts.Accept(number);
                return;
            }

            throw Refused("http_" + status.ToString(CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.InvalidResponse)
        {
            // Somebody answered, with something that is not HTTP.
            Volatile.Write(ref unreachableInARow, 0);
            throw Refused("invalid_response", e);
        }
        catch (HttpRequestException e)
        {
            if (Interlocked.Increment(ref unreachableInARow) == UnreachableInARow)
            {
                target?.Gone(
                    $"publish.http stopped answering ({UnreachableInARow} publishes in a row found nobody listening: {e.Message})");
            }

            throw Refused("unreachable", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Refused("timeout", e);
        }
    }

    private async ValueTask<int> SendStockAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        using var request = Request(template, stream, payloads.For(number), number, intendedTimestamp);
        using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
        return (int)response.StatusCode;
    }

    private async ValueTask<int> SendLeanAsync(Uri uri, byte[] request, CancellationToken ct)
    {
        var key = uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var bag = idle.GetOrAdd(key, _ => []);
        if (!bag.TryTake(out var connection))
        {
            connection = new LeanHttpConnection(uri);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            return await connection.SendAsync(request, timeout.Token, head: template.Method == "HEAD").ConfigureAwait(false);
        }
        finally
        {
            // After an error the connection has closed itself and opens again on its next request.
            bag.Add(connection);
        }
    }

    private IterationFailedException Refused(string kind, Exception? cause = null) =>
        counts.Refused(kind, "the target file's publish request was refused: " + kind, cause);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        foreach (var connection in idle.Values.SelectMany(b => b))
        {
            connection.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
