namespace Bench.Harness.Scenarios.Faults;

/// <summary>
/// A fault the faults scenario injects, as a plug-in: its name, what it does, when it starts (from the start of the run)
/// and how long it lasts, which subscribers it affects, and its injection. The fault run asks the fault; nothing
/// branches on a fault's name. One file each in <c>Catalog/</c>, listed in <c>FaultCatalog.All</c>.
/// </summary>
/// <remarks>
/// A base class rather than an interface: every fault shares the schedule (<see cref="Start"/>, the aftermath, the
/// measured duration), and transports take a <see cref="Fault"/> already (<c>ITransport.DefaultFaultVariants</c>,
/// <c>FaultSetup.Fault</c>). Instances are stateless and shared; what one run changes is in its <see cref="FaultInjection"/>.
/// </remarks>
public abstract class Fault(string name, TimeSpan duration, string description)
{
    /// <summary>Every fault starts 5 seconds into the run (after a 1-second warm-up).</summary>
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(5);

    /// <summary>How long the load runs on after a fault ends, to see recovery.</summary>
    public static readonly TimeSpan Aftermath = TimeSpan.FromSeconds(3);

    /// <summary>The name on the command line (<c>--fault</c>) and in results.json (<c>resilience.fault</c>).</summary>
    public string Name => name;

    /// <summary>How long the fault lasts (zero: a moment, as a drop).</summary>
    public TimeSpan Duration => duration;

    /// <summary>One sentence for <c>bench list</c>, the progress line and the report.</summary>
    public string Description => description;

    /// <summary>
    /// Subscribers this fault runs with unless --subscribers says otherwise (the storm's thousands); null: the scenario's.
    /// </summary>
    public virtual int? Subscribers => null;

    /// <summary>Events a second this fault runs with unless --rate says otherwise; null: the scenario's.</summary>
    public virtual double? RatePerSec => null;

    /// <summary>
    /// Keep-alive (ping interval, and as long again to answer) for this fault's subscribers and the hub's pings, where
    /// the default second would be too eager: thousands of subscribers pinging every second on a small machine time
    /// each other out before the fault. Null: the transports' own (1 s, so that a silent peer is noticed quickly).
    /// </summary>
    public virtual TimeSpan? KeepAlive => null;

    /// <summary>How long the load runs on after this fault ends (the storm's thousands take longer to come back).</summary>
    public virtual TimeSpan AftermathLength => Aftermath;

    /// <summary>
    /// Heavy enough to be asked for by name: it is not among the faults run when none is named, and transports run it
    /// with their default variant only (<c>--variant</c> asks for more). The default is false.
    /// </summary>
    public virtual bool Heavy => false;

    /// <summary>
    /// Whether the fault kills the target process and starts it again on every path, so that what the target keeps
    /// only in memory (an in-memory outbox) is lost. The default is false.
    /// </summary>
    public virtual bool RestartsTarget => false;

    /// <summary>
    /// Whether a subscriber processes events slower than they arrive while the fault lasts, so that a dispatcher's
    /// delivery timeout should be short enough to notice it. The default is false.
    /// </summary>
    public virtual bool SlowsSubscribers => false;

    /// <summary>
    /// Whether the run samples what a reconnect storm watches (subscribers connected, or deliveries pending) every
    /// 200 ms and reports the storm's figures. The default is false.
    /// </summary>
    public virtual bool SamplesStorm => false;

    /// <summary>The subscribers whose recovery is measured (every one unless the fault strikes fewer).</summary>
    public virtual IReadOnlyList<string> Affected(IReadOnlyList<string> streams) => streams;

    /// <summary>Injects the fault at its start and completes when it ends.</summary>
    public abstract Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct);

    /// <summary>How long <paramref name="stream"/>'s subscriber takes per event now (zero unless the fault slows it).</summary>
    public virtual TimeSpan ProcessingTime(FaultInjection injection, string stream) => TimeSpan.Zero;

    /// <summary>Whether the subscribers answer now as overloaded receivers do (503 with Retry-After). The default is never.</summary>
    public virtual bool Overloads(FaultInjection injection) => false;

    /// <summary>Measured time: from the end of warm-up to the aftermath's end.</summary>
    public TimeSpan MeasuredDuration(TimeSpan warmup) => Start - warmup + Duration + AftermathLength;
}
