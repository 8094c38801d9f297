namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>An outage: the fault proxy refuses new connections and resets open ones for 3 s (<c>down</c>).</summary>
public sealed class OutageFault() : Fault("outage", TimeSpan.FromSeconds(3),
    "the subscriber side is down for 3 s: connections refused and reset (down)")
{
    public override Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct) => path.Proxy.DownAsync(Duration, ct);
}
