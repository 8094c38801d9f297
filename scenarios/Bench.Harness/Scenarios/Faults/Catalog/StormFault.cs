namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>
/// A deploy's reconnect storm: the target restarts under thousands of subscribers, who all come back at once (for
/// webhooks, the receivers go away and come back with as many endpoints pending): the path decides how
/// (<see cref="IFaultPath.StormAsync"/>). One event a second keeps the deliveries at 5,000 a second.
/// </summary>
public sealed class StormFault() : Fault("storm", TimeSpan.FromSeconds(2),
    "a reconnect storm: the target is killed and started again 2 s later under thousands of subscribers"
    + " (webhooks: every endpoint's receiver is down for 2 s, and comes back to the backlog)")
{
    public override int? Subscribers => 5_000;

    public override double? RatePerSec => 1;

    public override TimeSpan AftermathLength => TimeSpan.FromSeconds(15);

    public override TimeSpan? KeepAlive => TimeSpan.FromSeconds(15);

    public override bool Heavy => true;

    /// <summary>
    /// False: a storm is the path's (<see cref="IFaultPath.StormAsync"/>), which restarts the hub but takes a webhook
    /// dispatcher's receivers away instead, so an in-memory outbox keeps what it holds.
    /// </summary>
    public override bool RestartsTarget => false;

    public override bool SamplesStorm => true;

    public override Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct) => path.StormAsync(Duration, ct);
}
