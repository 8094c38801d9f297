using System.Net;
using Bench.Engine.Metrics;
using Bench.Harness.Plan;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Bench.Harness.Running;

/// <summary>
/// Exports the run's live instruments (<see cref="LiveMetrics"/>) with OpenTelemetry: over OTLP to
/// <c>--otlp-endpoint</c>, and as Prometheus text on <c>http://ADDRESS:PORT/metrics</c> for <c>--metrics-port</c>.
/// ADDRESS is loopback unless <c>--metrics-bind</c> names another; beyond loopback every scrape needs a bearer token
/// (<see cref="TokenVariable"/>, or one made up and printed as <c>token …</c> on stdout), as Bench's servers do
/// (docs/security.md). Nothing is started when neither is asked for.
/// </summary>
public static class MetricsExport
{
    /// <summary>How often OTLP is pushed. Prometheus is read when scraped.</summary>
    public static readonly TimeSpan OtlpInterval = TimeSpan.FromSeconds(1);

    /// <summary>The environment variable a scrape token beyond loopback is taken from (never a command-line option).</summary>
    public const string TokenVariable = "BENCH_METRICS_TOKEN";

    public static IDisposable? Start(RunPlan plan, IProgressSink progress, TextWriter output)
    {
        if (plan.OtlpEndpoint is null && plan.MetricsPort is null)
        {
            return null;
        }

        var exports = new Exports();
        if (plan.OtlpEndpoint is { } endpoint)
        {
            exports.Add(Sdk.CreateMeterProviderBuilder().AddMeter(LiveMetrics.MeterName).AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = endpoint;
                exporter.Protocol = endpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal)
                    ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf
                    : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)OtlpInterval.TotalMilliseconds;
            }).Build());
            progress.Message($"metrics: OTLP to {Clients.UrlText.ForMessage(endpoint)} every {OtlpInterval.TotalSeconds:0} s");
        }

        if (plan.MetricsPort is { } port)
        {
            var address = plan.MetricsBind ?? IPAddress.Loopback;
            var token = IPAddress.IsLoopback(address) ? null : Token(output, progress);
            var bound = StartPrometheus(address, port, token, exports);
            var url = $"http://{new IPEndPoint(address, bound)}/metrics";
            progress.Message(token is null
                ? $"metrics: Prometheus text at {url}"
                : $"metrics: Prometheus text at {url}, beyond loopback: every scrape needs the bearer token");
        }

        return exports;
    }

    /// <summary>The scrape token: <see cref="TokenVariable"/> when set; otherwise a new one, printed on stdout with a warning.</summary>
    private static string Token(TextWriter output, IProgressSink progress)
    {
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } given)
        {
            return given;
        }

        var made = Clients.Secrets.NewToken();
        output.WriteLine($"token {made}");
        progress.Message($"warning: --metrics-bind beyond loopback without {TokenVariable}: scrapes need the token printed on stdout");
        return made;
    }

    /// <summary>
    /// Serves <c>/metrics</c> on Kestrel; with a token, a scrape without <c>Authorization: Bearer TOKEN</c> gets 401.
    /// Returns the port listened on (the one asked for; port 0, which only tests ask for, gets a free one).
    /// </summary>
    private static int StartPrometheus(IPAddress address, int port, string? token, Exports exports)
    {
        var provider = Sdk.CreateMeterProviderBuilder().AddMeter(LiveMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0) // every scrape reads the instruments afresh
            .Build();
        exports.Add(provider);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear(); // no Kestrel endpoints from the environment: only the address asked for
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(address, port);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 0;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        });
        var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(provider, null, "/metrics", branch =>
        {
            if (token is not null)
            {
                branch.Use(async (context, next) =>
                {
                    if (AccessGate.Check(context.Request, token, []) is { } status)
                    {
                        context.Response.StatusCode = status;
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        return;
                    }

                    await next(context).ConfigureAwait(false);
                });
            }
        }, null);
        app.StartAsync().GetAwaiter().GetResult();
        exports.Add(new Stopping(app));
        var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(listening.Addresses.Single()).Port;
    }

    /// <summary>Everything started, disposed in reverse order.</summary>
    private sealed class Exports : IDisposable
    {
        private readonly List<IDisposable> parts = [];

        public void Add(IDisposable part) => parts.Add(part);

        public void Dispose()
        {
            for (var i = parts.Count - 1; i >= 0; i--)
            {
                parts[i].Dispose();
            }
        }
    }

    private sealed class Stopping(WebApplication app) : IDisposable
    {
        public void Dispose()
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)app).Dispose();
        }
    }
}
