namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>A restart: the target is killed and started again 2 s later (its path puts back its configuration).</summary>
public sealed class RestartFault() : Fault("restart", TimeSpan.FromSeconds(2),
    "the target process is killed (SIGKILL) and started again 2 s later")
{
    public override bool RestartsTarget => true;

    public override Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct) => path.RestartAsync(Duration, ct);
}
