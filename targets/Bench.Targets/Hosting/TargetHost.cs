using System.Net;
using Bench.Targets.Dispatcher;
using Bench.Targets.Hub;
using Bench.Targets.Publishing;
using Bench.Targets.Receiver;
using Bench.Targets.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hosting;

/// <summary>Starts a target on Kestrel: on 127.0.0.1 with an ephemeral port unless other URLs are given.</summary>
public static class TargetHost
{
    /// <summary>The URL a target binds when none is given: loopback, a port chosen by the OS.</summary>
    public const string DefaultUrl = "http://127.0.0.1:0";

    /// <summary>The largest request body any route takes unless it says otherwise (<c>/subscriptions</c> bodies). 64 KiB.</summary>
    public const int ControlBodyLimit = 64 * 1024;

    /// <summary>
    /// Whether a URL to bind keeps the target on loopback (127.0.0.0/8, ::1, localhost); a wildcard (<c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>) or any other address does not.
    /// </summary>
    public static bool BindsLoopback(string url)
    {
        var normal = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normal, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    public static Task<RunningTarget> StartHubAsync(
        Action<HubOptions>? configure = null, IReadOnlyList<string>? urls = null, Action<IServiceCollection>? services = null,
        CancellationToken ct = default, TargetListen? listen = null) =>
        StartAsync(TargetRole.Hub, Listen(urls, listen), s =>
        {
            s.AddHub(configure);
            services?.Invoke(s);
        }, ct);

    public static Task<RunningTarget> StartDispatcherAsync(
        Action<DispatcherOptions>? configure = null, IReadOnlyList<string>? urls = null, Action<IServiceCollection>? services = null,
        CancellationToken ct = default, TargetListen? listen = null) =>
        StartAsync(TargetRole.Dispatcher, Listen(urls, listen), s =>
        {
            s.AddDispatcher(configure);
            services?.Invoke(s);
        }, ct);

    public static Task<RunningTarget> StartReceiverAsync(
        Action<ReceiverOptions> configure, IReadOnlyList<string>? urls = null, Action<IServiceCollection>? services = null,
        CancellationToken ct = default, TargetListen? listen = null) =>
        StartAsync(TargetRole.Receiver, Listen(urls, listen), s =>
        {
            s.AddReceiver(configure);
            services?.Invoke(s);
        }, ct);

    private static TargetListen Listen(IReadOnlyList<string>? urls, TargetListen? listen) =>
        (listen ?? TargetListen.Default) with { Urls = urls is { Count: > 0 } ? urls : listen?.Urls ?? [] };

    private static async Task<RunningTarget> StartAsync(
        TargetRole role, TargetListen listen, Action<IServiceCollection> services, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

        // A hub method refusing a call (a HubException: stream taken, too many streams) answers the client; SignalR would
        // also log it as an error with its stack, so one client could fill the log at will.
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);

        // Logs go to stderr: stdout carries the lines a launcher reads ("token …", "ready …"), nothing else.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (listen.Settings.Count > 0)
        {
            builder.Configuration.AddInMemoryCollection(listen.Settings);
        }

        // A gRPC port is an endpoint in code, and Kestrel then ignores UseUrls: the URLs become endpoints in code too.
        var grpcPort = role == TargetRole.Hub ? listen.GrpcPort : null;
        var explicitEndpoints = listen.Urls.Count == 0
            && (listen.Certificate is not null || listen.Meter is not null || grpcPort is not null);
        if (!explicitEndpoints && grpcPort is null)
        {
            builder.WebHost.UseUrls([.. listen.Urls.Count > 0 ? listen.Urls : [DefaultUrl]]);
        }

        ListenOptions? grpcEndpoint = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (grpcPort is { } port)
            {
                foreach (var url in listen.Urls)
                {
                    ListenOn(k, url);
                }

                // HTTP/2 only: cleartext gRPC clients speak it with prior knowledge (no upgrade, no ALPN).
                k.Listen(IPAddress.Loopback, port, l =>
                {
                    l.Protocols = HttpProtocols.Http2;
                    if (listen.Meter is { } meter)
                    {
                        l.CountInto(meter, tlsFollows: false);
                    }

                    grpcEndpoint = l;
                });
            }

            if (listen.Certificate is { } certificate)
            {
                k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate);
            }

            if (explicitEndpoints)
            {
                // Plain HTTP first (control routes), then HTTPS when a certificate is given; each counted when metered.
                k.Listen(IPAddress.Loopback, 0, l =>
                {
                    if (listen.Meter is { } meter)
                    {
                        l.CountInto(meter, tlsFollows: false);
                    }
                });
                if (listen.Certificate is { } tls)
                {
                    k.Listen(IPAddress.Loopback, 0, l =>
                    {
                        if (listen.Meter is { } meter)
                        {
                            l.CountInto(meter, tlsFollows: true);
                        }

                        l.UseHttps(tls);
                        if (listen.Meter is not null)
                        {
                            l.MarkHandshakeDone();
                        }
                    });
                }
            }

            k.AddServerHeader = false;

            // A body must keep coming: below 240 bytes a second (after a 5 s grace) the request is cut off, so a client
            // trickling a body, or sending a few bytes and falling silent, cannot hold a connection and its buffers.
            k.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(5));
            // Control bodies are small; the receiver raises this per request to its own --max-body-bytes.
            k.Limits.MaxRequestBodySize = ControlBodyLimit;

            // An idle kept-alive HTTP connection is closed after a minute (senders pool for less: the dispatcher 50 s).
            k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(1);

            // Slowloris: a client trickling headers is cut off rather than holding a connection open.
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        services(builder.Services);
        var app = builder.Build();
        var madeUpToken = GuardConfiguredEndpoints(role, app);
        var keepAlive = role == TargetRole.Hub
            ? app.Services.GetRequiredService<IOptions<HubOptions>>().Value.KeepAliveInterval
            : TimeSpan.FromSeconds(30);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = keepAlive });
        switch (role)
        {
            case TargetRole.Hub:
                // Made now, so a bad replay log fails the start (before "ready") and its streams are back before anyone subscribes.
                _ = app.Services.GetRequiredService<HubBroadcaster>();
                app.MapHub();
                break;
            case TargetRole.Dispatcher:
                // Opened now, so a bad outbox fails the start (before "ready") rather than the first request.
                _ = app.Services.GetRequiredService<WebhookDispatcher>();
                app.MapDispatcher();
                break;
            case TargetRole.Receiver:
                _ = app.Services.GetRequiredService<IOptions<ReceiverOptions>>().Value;
                app.MapReceiver();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(role), role, null);
        }

        // Every role: its memory after a full collection (the connections scenario's per-subscriber figures).
        app.MapGet("/memory", () => Results.Json(MemoryStats.Measure(), TargetsJson.Default.MemoryStats))
            .RequireToken(services => Token(role, services));
        await app.StartAsync(ct).ConfigureAwait(false);
        // An in-memory server (TestHost, in tests) binds no address.
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList()
            is { Count: > 0 } addresses
            ? addresses
            : ["http://localhost"];
        if (bound.FirstOrDefault(u => !BindsLoopback(u)) is { } exposed && Token(role, app.Services) is null)
        {
            // Bound beyond loopback by a way not foreseen above: refused rather than left open without a token.
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"bound to {exposed}, beyond loopback, without a token; give --token (or BENCH_TOKEN)");
        }

        // The gRPC port is not one of Urls (those speak HTTP/1.1): it is reported on its own.
        string? grpcUrl = null;
        if (grpcEndpoint?.IPEndPoint is { } grpcBound)
        {
            grpcUrl = "http://127.0.0.1:" + grpcBound.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            bound = [.. bound.Where(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Port != grpcBound.Port)];
        }

        return new RunningTarget(role, app, bound) { MadeUpToken = madeUpToken, GrpcUrl = grpcUrl };
    }

    /// <summary>
    /// Listens on <paramref name="url"/> as UseUrls would (<c>http://IP:PORT</c>, <c>localhost</c>, <c>*</c>, <c>+</c>;
    /// https with the default certificate).
    /// </summary>
    private static void ListenOn(KestrelServerOptions k, string url)
    {
        var normal = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normal, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"cannot listen on '{url}': give http://IP:PORT or http://localhost:PORT");
        }

        Action<ListenOptions> configure = uri.Scheme == "https" ? l => l.UseHttps() : _ => { };
        if (uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            k.ListenLocalhost(uri.Port, configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
        {
            k.Listen(ip, uri.Port, configure);
        }
        else
        {
            throw new ArgumentException($"cannot listen on '{url}' beside the gRPC port: give an IP address or localhost");
        }
    }

    /// <summary>
    /// Endpoints set in configuration (<c>Kestrel__Endpoints__NAME__Url</c>, appsettings.json) are bound whatever URLs
    /// were asked for. When one reaches beyond loopback and the role has no token, a token is made up before anything
    /// listens (as <c>bench serve</c> does for <c>--urls</c>) and returned, for the caller to print.
    /// </summary>
    private static string? GuardConfiguredEndpoints(TargetRole role, WebApplication app)
    {
        var configured = app.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>();
        if (!configured.Any(u => !BindsLoopback(u)) || Token(role, app.Services) is not null)
        {
            return null;
        }

        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        switch (role)
        {
            case TargetRole.Hub:
                app.Services.GetRequiredService<IOptions<HubOptions>>().Value.Token = token;
                break;
            case TargetRole.Dispatcher:
                app.Services.GetRequiredService<IOptions<DispatcherOptions>>().Value.Token = token;
                break;
            default:
                app.Services.GetRequiredService<IOptions<ReceiverOptions>>().Value.Token = token;
                break;
        }

        return token;
    }

    private static string? Token(TargetRole role, IServiceProvider services) => role switch
    {
        TargetRole.Hub => HubEndpoints.Token(services),
        TargetRole.Dispatcher => DispatcherEndpoints.Token(services),
        _ => ReceiverEndpoints.Token(services),
    };
}
