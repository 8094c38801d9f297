using System.Globalization;
using System.Text;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Clients;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// Makes a target file's system emit events: one HTTP request per event, from the file's <c>publish.http</c> template
/// with Bench's envelope in it (<c>{event}</c>). A 2xx answer is an accepted event; anything else, or no answer, a
/// refused one, counted by kind (<c>publish_http_503</c>, <c>publish_unreachable</c>, <c>publish_timeout</c>).
/// </summary>
public sealed class HttpEventPublisher(
    HttpTemplate template, string stream, Payloads payloads, TimeProvider clock, ExternalTarget? target = null) : ITargetPublisher
{
    /// <summary>Publishes in a row that found nobody listening before the target counts as gone (the run then stops, exit 4).</summary>
    public const int UnreachableInARow = 20;

    private int unreachableInARow;

    private readonly HttpClient client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

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

    public async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        try
        {
            using var request = Request(template, stream, payloads.For(number), number, intendedTimestamp);
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            Volatile.Write(ref unreachableInARow, 0);
            if (response.IsSuccessStatusCode)
            {
                counts.Accept(number);
                return;
            }

            throw Refused("http_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
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
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Refused("timeout", e);
        }
    }

    private IterationFailedException Refused(string kind, Exception? cause = null) =>
        counts.Refused(kind, "the target file's publish request was refused: " + kind, cause);

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
