using System.Net.Http.Headers;
using Bench.Harness.TargetFiles;
using Bench.Harness.TargetFiles.ServerSource;

namespace Bench.Harness.Transports.Sse;

/// <summary>
/// A Server-Sent Events subscriber of a feed Bench did not publish (<c>source: server</c>): one GET of
/// <c>subscribe.url</c> with <c>subscribe.headers</c>, each event's data read as one message. No redirects are followed
/// (load goes only to the hosts the file names).
/// </summary>
internal sealed class SseFeedReader(HttpClient client, HttpResponseMessage response, SseReader reader) : IFeedReader
{
    public static async Task<IFeedReader> ConnectAsync(TargetFile file, TemplateValues values, CancellationToken ct)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, TemplateText.FillUrl(file.Subscribe.Url!, values));
            foreach (var (name, value) in file.Subscribe.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                var status = (int)response.StatusCode;
                var type = response.Content.Headers.ContentType?.MediaType ?? "no content type";
                response.Dispose();
                throw new HttpRequestException($"the answer was {status} with {type}, not 200 with text/event-stream");
            }

            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new SseFeedReader(client, response, new SseReader(stream));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public ValueTask<int> ReadAsync(byte[] buffer, CancellationToken ct) => reader.ReadEventAsync(buffer, ct);

    public ValueTask DisposeAsync()
    {
        response.Dispose();
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
