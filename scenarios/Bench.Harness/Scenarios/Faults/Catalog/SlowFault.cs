namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>A slow subscriber: the first one processes 10 events a second, while 100 arrive, for 5 s.</summary>
public sealed class SlowFault() : Fault("slow", TimeSpan.FromSeconds(5), "one subscriber processes 10 events/s while 100/s arrive, for 5 s")
{
    /// <summary>The slow subscriber's time per event: 10 events a second.</summary>
    public static readonly TimeSpan SlowProcessing = TimeSpan.FromMilliseconds(100);

    public override bool SlowsSubscribers => true;

    /// <summary>The first subscriber only: its recovery is the one measured.</summary>
    public override IReadOnlyList<string> Affected(IReadOnlyList<string> streams) => [.. streams.Take(1)];

    public override Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct) => injection.HoldAsync(Duration, ct);

    public override TimeSpan ProcessingTime(FaultInjection injection, string stream) =>
        injection.On && injection.Affected.Contains(stream) ? SlowProcessing : TimeSpan.Zero;
}
