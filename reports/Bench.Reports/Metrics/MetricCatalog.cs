namespace Bench.Reports.Metrics;

/// <summary>Every metric the report shows, declared once; tables, the at-a-glance summary and charts are built from these lists.</summary>
public static class MetricCatalog
{
    public static readonly Metric Count = new("latency.count", "samples", MetricUnit.Count, Better.Neither, r => r.LatencyUs.Count);
    public static readonly Metric P50 = new(
        "latency.p50",
        "p50",
        MetricUnit.Microseconds,
        Better.Lower,
        r => r.LatencyUs.P50)
    {
        Percentile = 50,
    };
    public static readonly Metric P90 = new(
        "latency.p90",
        "p90",
        MetricUnit.Microseconds,
        Better.Lower,
        r => r.LatencyUs.P90)
    {
        Percentile = 90,
    };
    public static readonly Metric P99 = new(
        "latency.p99",
        "p99",
        MetricUnit.Microseconds,
        Better.Lower,
        r => r.LatencyUs.P99)
    {
        Percentile = 99,
    };
    public static readonly Metric P999 = new(
        "latency.p999",
        "p99.9",
        MetricUnit.Microseconds,
        Better.Lower,
        r => r.LatencyUs.P999)
    {
        Percentile = 99.9,
    };
    public static readonly Metric Max = new("latency.max", "max", MetricUnit.Microseconds, Better.Lower, r => r.LatencyUs.Max);

    public static readonly Metric Offered = new(
        "throughput.offered",
        "offered",
        MetricUnit.PerSecond,
        Better.Neither,
        r => r.Throughput.OfferedPerSec);
    public static readonly Metric Achieved = new(
        "throughput.achieved",
        "achieved",
        MetricUnit.PerSecond,
        Better.Higher,
        r => r.Throughput.AchievedPerSec);
    public static readonly Metric DeliveredRate = new(
        "throughput.delivered",
        "deliveries",
        MetricUnit.PerSecond,
        Better.Higher,
        r => r.Throughput.DeliveredPerSec);

    public static readonly Metric Sent = new("counts.sent", "sent", MetricUnit.Count, Better.Neither, r => r.Counts.Sent);
    public static readonly Metric Delivered = new(
        "counts.delivered",
        "delivered",
        MetricUnit.Count,
        Better.Higher,
        r => r.Counts.Delivered);
    public static readonly Metric Lost = new("counts.lost", "lost", MetricUnit.Count, Better.Lower, r => r.Counts.Lost);
    public static readonly Metric Duplicated = new(
        "counts.duplicated",
        "duplicated",
        MetricUnit.Count,
        Better.Lower,
        r => r.Counts.Duplicated);
    public static readonly Metric OutOfOrder = new(
        "counts.outOfOrder",
        "out of order",
        MetricUnit.Count,
        Better.Lower,
        r => r.Counts.OutOfOrder);
    public static readonly Metric Errors = new("counts.errors", "errors", MetricUnit.Count, Better.Lower, r => r.Counts.Errors);

    public static readonly Metric ScheduleLag = new(
        "generator.scheduleLagP99",
        "schedule lag p99",
        MetricUnit.Microseconds,
        Better.Lower,
        r => r.Generator.ScheduleLagP99Us);
    public static readonly Metric Dropped = new(
        "generator.droppedIterations",
        "dropped iterations",
        MetricUnit.Count,
        Better.Lower,
        r => r.Generator.DroppedIterations);
    public static readonly Metric GeneratorCpu = new(
        "generator.cpuPercent",
        "generator CPU",
        MetricUnit.Percent,
        Better.Lower,
        r => r.Generator.CpuPercent);
    public static readonly Metric TargetCpu = new(
        "target.cpuPercent",
        "target CPU",
        MetricUnit.Percent,
        Better.Lower,
        r => r.Target.Measured ? r.Target.CpuPercent : double.NaN);
    public static readonly Metric TargetCpuSeconds = new(
        "target.cpuSeconds",
        "target CPU time",
        MetricUnit.Seconds,
        Better.Lower,
        r => r.Target.Measured ? r.Target.CpuSeconds : double.NaN);
    public static readonly Metric TargetRss = new(
        "target.peakRssMiB",
        "target peak RSS",
        MetricUnit.MiB,
        Better.Lower,
        r => r.Target.Measured ? r.Target.PeakRssMiB : double.NaN);

    public static readonly Metric Detect = new(
        "resilience.detectMs",
        "detect",
        MetricUnit.Milliseconds,
        Better.Lower,
        r => r.Resilience?.DetectMs ?? double.NaN);
    public static readonly Metric Recover = new(
        "resilience.recoverMs",
        "recover",
        MetricUnit.Milliseconds,
        Better.Lower,
        r => r.Resilience?.RecoverMs ?? double.NaN);
    public static readonly Metric FaultLost = new(
        "resilience.lost",
        "lost",
        MetricUnit.Count,
        Better.Lower,
        r => r.Resilience?.Lost ?? double.NaN);
    public static readonly Metric FaultDuplicated = new(
        "resilience.duplicated",
        "duplicated",
        MetricUnit.Count,
        Better.Lower,
        r => r.Resilience?.Duplicated ?? double.NaN);
    public static readonly Metric FaultOutOfOrder = new(
        "resilience.outOfOrder",
        "out of order",
        MetricUnit.Count,
        Better.Lower,
        r => r.Resilience?.OutOfOrder ?? double.NaN);
    public static readonly Metric Rejected = new(
        "resilience.rejected",
        "publishes refused",
        MetricUnit.Count,
        Better.Lower,
        r => r.Resilience?.Rejected ?? double.NaN);
    public static readonly Metric Reconnects = new(
        "resilience.reconnectAttempts",
        "reconnect attempts",
        MetricUnit.Count,
        Better.Neither,
        r => r.Resilience?.ReconnectAttempts ?? double.NaN);
    public static readonly Metric Retries = new(
        "resilience.webhookRetries",
        "webhook retries",
        MetricUnit.Count,
        Better.Neither,
        r => r.Resilience?.WebhookRetries ?? double.NaN);
    public static readonly Metric WindowP99 = new(
        "resilience.windowDelayP99Us",
        "delay p99 (fault window)",
        MetricUnit.Microseconds,
        Better.Lower,
        r => r.Resilience is { WindowEvents: > 0 } x ? x.WindowDelayP99Us : double.NaN);
    public static readonly Metric WindowMax = new(
        "resilience.windowDelayMaxUs",
        "max delay",
        MetricUnit.Microseconds,
        Better.Lower,
        r => r.Resilience is { WindowEvents: > 0 } x ? x.WindowDelayMaxUs : double.NaN);
    public static readonly Metric Drain = new(
        "resilience.drainMs",
        "backlog drained",
        MetricUnit.Milliseconds,
        Better.Lower,
        r => r.Resilience?.DrainMs ?? double.NaN);

    /// <summary>The columns of each fault's table in "Resilience".</summary>
    public static readonly IReadOnlyList<Metric> ResilienceTable =
    [
        Detect,
        Recover,
        FaultLost,
        FaultDuplicated,
        FaultOutOfOrder,
        Rejected,
        Reconnects,
        Retries,
        WindowP99,
        WindowMax,
        Drain,
    ];

    /// <summary>The figures compared per scenario in "At a glance".</summary>
    public static readonly IReadOnlyList<Metric> AtAGlance = [P50, P99];

    public static readonly IReadOnlyList<Metric> LatencyTable = [Count, P50, P90, P99, P999, Max];

    public static readonly IReadOnlyList<Metric> DeliveryTable =
    [
        Offered,
        Achieved,
        DeliveredRate,
        Sent,
        Delivered,
        Lost,
        Duplicated,
        OutOfOrder,
        Errors,
    ];

    public static readonly IReadOnlyList<Metric> HarnessTable =
    [
        ScheduleLag,
        Dropped,
        GeneratorCpu,
        TargetCpu,
        TargetCpuSeconds,
        TargetRss,
    ];
}
