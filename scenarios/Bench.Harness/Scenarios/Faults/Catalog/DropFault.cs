namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>A drop: the fault proxy resets every subscriber connection once (<c>reset_peer</c>).</summary>
public sealed class DropFault() : Fault("drop", TimeSpan.Zero, "every subscriber connection is reset (reset_peer) once")
{
    public override Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct) => path.Proxy.ResetPeersAsync(ct);
}
