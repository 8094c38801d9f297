using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bench.Harness.Targets;

/// <summary>Reads a target's <c>/stats</c> counters.</summary>
public static class TargetStatsClient
{
    // A redirect is not followed: the token goes to the target's own URL only.
    private static readonly HttpClient Http =
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>GETs one of a target's control routes (<c>/stats</c>, <c>/stats/streams</c>, <c>/memory</c>) with its token.</summary>
    public static async Task<T> GetAsync<T>(ITargetHandle target, string route, JsonTypeInfo<T> type, CancellationToken ct)
    {
        var url = target.Url + route;
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
