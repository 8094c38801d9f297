using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bench.Harness.Targets;

/// <summary>Reads a target's <c>/stats</c> counters.</summary>
public static class TargetStatsClient
{
    // A redirect is not followed: the token goes to the target's own URL only.
    private static readonly HttpClient Http =
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>How many times a control read is tried: a target busy with a backlog (a storm's) may miss one 5 s read.</summary>
    public const int ReadAttempts = 3;

    /// <summary>
    /// GETs one of a target's control routes (<c>/stats</c>, <c>/stats/streams</c>, <c>/memory</c>) with its token; a read
    /// that times out or cannot connect is tried again (<see cref="ReadAttempts"/> in all), then fails the run in one line.
    /// </summary>
    public static async Task<T> GetAsync<T>(ITargetHandle target, string route, JsonTypeInfo<T> type, CancellationToken ct,
        int attempts = ReadAttempts)
    {
        var url = target.Url + route;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await GetOnceAsync(target, url, type, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (attempt >= attempts)
                {
                    var why = e is TaskCanceledException
                        ? $"did not answer within {Http.Timeout.TotalSeconds:0} s"
                        : $"failed: {e.Message}";
                    throw new TargetFailedException($"{target.Name}: GET {Clients.UrlText.ForMessage(url)} " +
                        $"{why}{(attempts > 1 ? $", {attempts} times" : "")}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task<T> GetOnceAsync<T>(ITargetHandle target, string url, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (target.Token is { } token)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Http.SendAsync(request, ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(type, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{Clients.UrlText.ForMessage(url)} returned nothing");
    }

    public static async Task PostAsync<T>(string url, T body, JsonTypeInfo<T> type, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, type) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new TargetFailedException($"POST {Clients.UrlText.ForMessage(url)} answered {(int)response.StatusCode}: {text}");
        }
    }
}
