using Bench.Targets.Dispatcher;
using Bench.Targets.Hub;
using Bench.Targets.Receiver;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hosting;

/// <summary>Starts a target on Kestrel: on 127.0.0.1 with an ephemeral port unless other URLs are given.</summary>
public static class TargetHost
{
    /// <summary>The URL a target binds when none is given: loopback, a port chosen by the OS.</summary>
    public const string DefaultUrl = "http://127.0.0.1:0";

    public static Task<RunningTarget> StartHubAsync(Action<HubOptions>? configure = null, IReadOnlyList<string>? urls = null, Action<IServiceCollection>? services = null, CancellationToken ct = default) =>
        StartAsync(TargetRole.Hub, urls, s =>
        {
            s.AddHub(configure);
            services?.Invoke(s);
        }, ct);

    public static Task<RunningTarget> StartDispatcherAsync(Action<DispatcherOptions>? configure = null, IReadOnlyList<string>? urls = null, Action<IServiceCollection>? services = null, CancellationToken ct = default) =>
        StartAsync(TargetRole.Dispatcher, urls, s =>
        {
            s.AddDispatcher(configure);
            services?.Invoke(s);
        }, ct);

    public static Task<RunningTarget> StartReceiverAsync(Action<ReceiverOptions> configure, IReadOnlyList<string>? urls = null, Action<IServiceCollection>? services = null, CancellationToken ct = default) =>
        StartAsync(TargetRole.Receiver, urls, s =>
        {
            s.AddReceiver(configure);
            services?.Invoke(s);
        }, ct);

    private static async Task<RunningTarget> StartAsync(TargetRole role, IReadOnlyList<string>? urls, Action<IServiceCollection> services, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls([.. urls is { Count: > 0 } ? urls : [DefaultUrl]]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MinRequestBodyDataRate = null;

            // Slowloris: a client trickling headers is cut off rather than holding a connection open.
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        services(builder.Services);
        var app = builder.Build();
        var keepAlive = role == TargetRole.Hub
            ? app.Services.GetRequiredService<IOptions<HubOptions>>().Value.KeepAliveInterval
            : TimeSpan.FromSeconds(30);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = keepAlive });
        switch (role)
        {
            case TargetRole.Hub:
                app.MapHub();
                break;
            case TargetRole.Dispatcher:
                app.MapDispatcher();
                break;
            case TargetRole.Receiver:
                _ = app.Services.GetRequiredService<IOptions<ReceiverOptions>>().Value;
                app.MapReceiver();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(role), role, null);
        }

        await app.StartAsync(ct).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        return new RunningTarget(role, app, bound);
    }
}
