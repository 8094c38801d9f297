using System.Globalization;
using System.Net;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bench.Targets.Faults;

/// <summary>What a fault proxy counted: connections open now, accepted, and refused or reset by <c>down</c>.</summary>
public sealed record FaultProxyCounts(int Active, long Accepted, long Refused, bool Down);

/// <summary>
/// The control routes of a fault proxy running as its own process (<c>bench proxy --control</c>), on loopback only and
/// behind a bearer token (compared in constant time, as the targets' control routes are): <c>GET /counts</c>,
/// <c>PUT /toxics?latencyMs=&amp;jitterMs=&amp;direction=&amp;bandwidth=&amp;blackhole=</c>, <c>POST /reset-peer</c>, and
/// <c>POST /down?ms=</c>, which answers once the proxy listens again.
/// <para>
/// HTTP rather than the process's stdin: the harness asks for counts while a <c>down</c> is still in force (the storm's
/// sampler), so requests overlap; HTTP gives each its own answer without a framing and correlation scheme of our own,
/// and the token check is the one the targets already use and test.
/// </para>
/// </summary>
public static class FaultProxyControl
{
    /// <summary>The longest <c>down</c> one request may ask for.</summary>
    public static readonly TimeSpan MaxDown = TimeSpan.FromMinutes(10);

    /// <summary>Serves the control routes of <paramref name="proxy"/> on 127.0.0.1 (a free port); returns the app and its URL.</summary>
    public static async Task<(WebApplication App, string Url)> StartAsync(FaultProxy proxy, string token, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        });
        var app = builder.Build();
        app.MapGet("/counts", () => Results.Json(Counts(proxy), TargetsJson.Default.FaultProxyCounts)).RequireToken(_ => token);
        app.MapPost("/reset-peer", () =>
        {
            proxy.ResetPeers();
            return Results.NoContent();
        }).RequireToken(_ => token);
        app.MapPut("/toxics", (HttpRequest request) =>
        {
            if (ParseToxics(request.Query) is not { } toxics)
            {
                return Results.BadRequest(
                    "toxics: latencyMs, jitterMs, bandwidth (0 or more), direction (upstream|downstream|both), blackhole (true|false)");
            }

            proxy.Toxics = toxics;
            return Results.NoContent();
        }).RequireToken(_ => token);
        app.MapPost("/down", async (HttpRequest request, CancellationToken aborted) =>
        {
            var ms = Number(request.Query["ms"]) ?? 0;
            if (ms <= 0 || ms > MaxDown.TotalMilliseconds)
            {
                return Results.BadRequest($"ms: a duration in milliseconds, above 0 and at most {MaxDown.TotalMilliseconds:0}");
            }

            // The harness waits for the answer; the proxy comes back up even if that request is gone.
            await proxy.DownAsync(TimeSpan.FromMilliseconds(ms), CancellationToken.None).ConfigureAwait(false);
            return Results.NoContent();
        }).RequireToken(_ => token);
        await app.StartAsync(ct).ConfigureAwait(false);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, url);
    }

    public static FaultProxyCounts Counts(FaultProxy proxy) =>
        new(proxy.ActiveConnections, proxy.AcceptedConnections, proxy.RefusedConnections, proxy.IsDown);

    /// <summary>The query string of <c>PUT /toxics</c> for <paramref name="toxics"/>.</summary>
    public static string Query(Toxics toxics) => string.Create(CultureInfo.InvariantCulture,
        $"latencyMs={toxics.Latency.TotalMilliseconds}&jitterMs={toxics.Jitter.TotalMilliseconds}"
        + $"&direction={toxics.LatencyDirection.ToString().ToLowerInvariant()}"
        + $"&bandwidth={toxics.BandwidthKiBPerSec}&blackhole={(toxics.Blackhole ? "true" : "false")}");

    /// <summary>A finite number of 0 or more; absent is 0; anything else null.</summary>
    private static double? Number(string? s) =>
        s is null ? 0
        : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v) ? v : null;

    private static Toxics? ParseToxics(IQueryCollection query)
    {
        var latency = Number(query["latencyMs"]);
        var jitter = Number(query["jitterMs"]);
        var bandwidth = Number(query["bandwidth"]);
        var direction = ((string?)query["direction"] ?? "both") switch
        {
            "upstream" => ToxicDirection.Upstream,
            "downstream" => ToxicDirection.Downstream,
            "both" => ToxicDirection.Both,
            _ => (ToxicDirection?)null,
        };
        bool? blackhole = ((string?)query["blackhole"] ?? "false") switch
        {
            "true" => true,
            "false" => false,
            _ => null,
        };
        if (latency is null || jitter is null || bandwidth is null || direction is null || blackhole is null)
        {
            return null;
        }

        return new Toxics
        {
            Latency = TimeSpan.FromMilliseconds(latency.Value),
            Jitter = TimeSpan.FromMilliseconds(jitter.Value),
            LatencyDirection = direction.Value,
            BandwidthKiBPerSec = bandwidth.Value,
            Blackhole = blackhole.Value,
        };
    }
}
