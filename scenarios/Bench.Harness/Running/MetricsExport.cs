using Bench.Engine.Metrics;
using Bench.Harness.Plan;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Bench.Harness.Running;

/// <summary>
/// Exports the run's live instruments (<see cref="LiveMetrics"/>) with OpenTelemetry: over OTLP to
/// <c>--otlp-endpoint</c>, and as Prometheus text on <c>http://127.0.0.1:PORT/metrics</c> for <c>--metrics-port</c>
/// (loopback only: a run's figures are not served to the network). Nothing is started when neither is asked for.
/// </summary>
public static class MetricsExport
{
    /// <summary>How often OTLP is pushed. Prometheus is read when scraped.</summary>
    public static readonly TimeSpan OtlpInterval = TimeSpan.FromSeconds(1);

    public static IDisposable? Start(RunPlan plan, IProgressSink progress)
    {
        if (plan.OtlpEndpoint is null && plan.MetricsPort is null)
        {
            return null;
        }

        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(LiveMetrics.MeterName);
        if (plan.OtlpEndpoint is { } endpoint)
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = endpoint;
                exporter.Protocol = endpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal)
                    ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf
                    : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)OtlpInterval.TotalMilliseconds;
            });
            progress.Message($"metrics: OTLP to {Clients.UrlText.ForMessage(endpoint)} every {OtlpInterval.TotalSeconds:0} s");
        }

        if (plan.MetricsPort is { } port)
        {
            builder.AddPrometheusHttpListener(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = port;
                o.ScrapeResponseCacheDurationMilliseconds = 0; // every scrape reads the instruments afresh
            });
            progress.Message($"metrics: Prometheus text at http://127.0.0.1:{port}/metrics");
        }

        return builder.Build();
    }
}
