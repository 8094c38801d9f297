using System.Net;
using Bench.Targets.Hosting;

namespace Bench.Targets.Tests.Hardening;

/// <summary>
/// A target bound beyond loopback never answers without a token, however it came to be bound there. (The tests bind
/// the wildcard address for a moment and only ever connect to loopback.)
/// </summary>
public sealed class ExposureTests
{
    [Fact]
    public async Task A_hub_bound_beyond_loopback_by_configuration_gets_a_made_up_token_and_refuses_a_client_without_it()
    {
        var settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Wide:Url"] = "http://0.0.0.0:0" };
        var listen = new TargetListen { Settings = settings };
        await using var hub = await TargetHost.StartHubAsync(listen: listen);
        var wide = hub.Urls.First(u => !TargetHost.BindsLoopback(u));
        var port = new Uri(wide.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        using var http = new HttpClient();

        var anonymous = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/stats"));
        using var withToken = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/stats"));
        withToken.Headers.Authorization = new("Bearer", hub.MadeUpToken);
        var authorised = await http.SendAsync(withToken);

        Assert.NotNull(hub.MadeUpToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
    }

    [Fact]
    public async Task A_target_that_finds_itself_bound_beyond_loopback_without_a_token_refuses_to_run()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => TargetHost.StartDispatcherAsync(urls: ["http://0.0.0.0:0"]));

        Assert.Contains("without a token", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_on_loopback_makes_up_no_token()
    {
        await using var hub = await TargetHost.StartHubAsync();

        Assert.Null(hub.MadeUpToken);
    }
}
