using Bench.Reports.Metrics;
using Bench.Reports.Model;
using Bench.Reports.Stats;

namespace Bench.Reports.Thresholds;

/// <summary>The metrics a threshold can name, in the order <c>bench list</c> shows them.</summary>
public static class ThresholdMetrics
{
    public static readonly IReadOnlyList<ThresholdMetric> All =
    [
        Latency("p50", MetricCatalog.P50),
        Latency("p90", MetricCatalog.P90),
        Latency("p99", MetricCatalog.P99),
        Latency("p999", MetricCatalog.P999),
        new("max", ThresholdKind.Duration, "largest latency", r => LatencyMeasured(r) ? MetricCatalog.Max.Value(r) : double.NaN),
        Count("lost", "events published and accepted that a subscriber never received (exact)", MetricCatalog.Lost),
        Count("duplicated", "deliveries of an event a subscriber already had", MetricCatalog.Duplicated),
        Count("out_of_order", "deliveries that came before an earlier event of their stream", MetricCatalog.OutOfOrder),
        Count("errors", "failed requests or deliveries", MetricCatalog.Errors),
        new("achieved", ThresholdKind.Rate, "publishes or requests a second the generator achieved", MetricCatalog.Achieved.Value),
        new("deliveries", ThresholdKind.Rate, "deliveries a second to all subscribers together", MetricCatalog.DeliveredRate.Value),
        new("cpu_per_delivery", ThresholdKind.Duration, "the target's marginal CPU per delivery (the cost probe's slope)",
            r => MarginalCost.Of(r)?.CpuUsPerDelivery ?? double.NaN)
        {
            Interval = r => MarginalCost.Of(r) is { Low: { } low, High: { } high } ? (low, high) : null,
        },
        new("target_cpu", ThresholdKind.Percent, "the target's CPU over the measured time, in % of one core",
            MetricCatalog.TargetCpu.Value),
        new("target_rss", ThresholdKind.MiB, "the target's peak resident memory", MetricCatalog.TargetRss.Value),
        new("max_rate", ThresholdKind.Rate, "saturation: the highest rate held within the latency SLO",
            r => r.Saturation?.MaxSustainablePerSec ?? double.NaN),
        new("detect", ThresholdKind.Duration, "faults: time until the harness saw the fault", r => Ms(MetricCatalog.Detect, r)),
        new("recover", ThresholdKind.Duration, "faults: time until deliveries flowed again", r => Ms(MetricCatalog.Recover, r)),
        new("drain", ThresholdKind.Duration, "faults: time until the backlog was delivered", r => Ms(MetricCatalog.Drain, r)),
    ];

    /// <summary>The metric of that name, or null.</summary>
    public static ThresholdMetric? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    private static ThresholdMetric Latency(string name, Metric metric) =>
        new(name, ThresholdKind.Duration, $"latency {metric.Header}, from the intended send time",
            r => LatencyMeasured(r) ? metric.Value(r) : double.NaN)
        {
            Interval = r => BlockBootstrap.Percentile(r, metric.Percentile!.Value, HierarchicalBootstrap.SeedName(r, name)) is { } reps
                ? BlockBootstrap.Interval(reps)
                : null,
        };

    private static ThresholdMetric Count(string name, string description, Metric metric) =>
        new(name, ThresholdKind.Count, description,
            r => r.Resilience is not null && name == "lost" ? MetricCatalog.FaultLost.Value(r) : metric.Value(r));

    /// <summary>False for a system that publishes on its own without a timestamp: its latency is not measured, never 0.</summary>
    private static bool LatencyMeasured(ScenarioResult r) => r.ServerFeed is not { LatencyMeasured: false };

    /// <summary>A resilience time (stored in ms) in µs, as every duration of a threshold is.</summary>
    private static double Ms(Metric metric, ScenarioResult r) => metric.Value(r) * 1000;
}
