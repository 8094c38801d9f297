namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>A black hole: the fault proxy forwards nothing for 5 s while the sockets stay open (half-open, <c>timeout</c>).</summary>
public sealed class BlackholeFault() : Fault("blackhole", TimeSpan.FromSeconds(5),
    "half-open for 5 s: nothing is forwarded, sockets stay open (timeout)")
{
    public override async Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct)
    {
        await path.Proxy.SetToxicsAsync(injection.Baseline with { Blackhole = true }, ct).ConfigureAwait(false);
        await Task.Delay(Duration, injection.Clock, ct).ConfigureAwait(false);
        await path.Proxy.SetToxicsAsync(injection.Baseline, ct).ConfigureAwait(false);
    }
}
