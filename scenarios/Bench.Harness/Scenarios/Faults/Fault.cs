namespace Bench.Harness.Scenarios.Faults;

/// <summary>A fault the faults scenario injects: its name, when it starts (from the start of the run) and how long it lasts.</summary>
public sealed record Fault(string Name, TimeSpan Duration, string Description)
{
    /// <summary>Subscribers this fault runs with unless --subscribers says otherwise (the storm's thousands); null: the scenario's.</summary>
    public int? Subscribers { get; init; }

    /// <summary>Events a second this fault runs with unless --rate says otherwise; null: the scenario's.</summary>
    public double? RatePerSec { get; init; }

    /// <summary>
    /// Keep-alive (ping interval, and as long again to answer) for this fault's subscribers and the hub's pings, where
    /// the default second would be too eager: thousands of subscribers pinging every second on a small machine time
    /// each other out before the fault. Null: the transports' own (1 s, so that a silent peer is noticed quickly).
    /// </summary>
    public TimeSpan? KeepAlive { get; init; }

    /// <summary>How long the load runs on after this fault ends (the storm's thousands take longer to come back).</summary>
    public TimeSpan AftermathLength { get; init; } = Aftermath;

    /// <summary>Every fault starts 5 seconds into the run (after a 1-second warm-up).</summary>
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(5);

    /// <summary>How long the load runs on after a fault ends, to see recovery.</summary>
    public static readonly TimeSpan Aftermath = TimeSpan.FromSeconds(3);

    public static readonly Fault Drop = new("drop", TimeSpan.Zero, "every subscriber connection is reset (reset_peer) once");
    public static readonly Fault Restart = new("restart", TimeSpan.FromSeconds(2), "the target process is killed (SIGKILL) and started again 2 s later");
    public static readonly Fault Outage = new("outage", TimeSpan.FromSeconds(3), "the subscriber side is down for 3 s: connections refused and reset (down)");
    public static readonly Fault Blackhole = new("blackhole", TimeSpan.FromSeconds(5), "half-open for 5 s: nothing is forwarded, sockets stay open (timeout)");
    public static readonly Fault Slow = new("slow", TimeSpan.FromSeconds(5), "one subscriber processes 10 events/s while 100/s arrive, for 5 s");

    /// <summary>What an overloaded receiver asks for in Retry-After, in seconds (scaled like every retry delay here).</summary>
    public const int OverloadRetryAfterSeconds = 2;

    /// <summary>
    /// An overloaded receiver: every endpoint answers 503 Service Unavailable with Retry-After for 3 s. Webhooks only —
    /// a streaming subscriber has no status code to answer with; its overload is the slow fault.
    /// </summary>
    public static readonly Fault Overload = new("overload", TimeSpan.FromSeconds(3), "every receiver answers 503 Service Unavailable with Retry-After: 2 for 3 s, as an overloaded receiver does");

    /// <summary>
    /// A deploy's reconnect storm: the target restarts under thousands of subscribers, who all come back at once (for
    /// webhooks, the receivers go away and come back with as many endpoints pending). One event a second keeps the
    /// deliveries at 5,000 a second.
    /// </summary>
    public static readonly Fault Storm = new("storm", TimeSpan.FromSeconds(2), "a reconnect storm: the target is killed and started again 2 s later under thousands of subscribers (webhooks: every endpoint's receiver is down for 2 s, and comes back to the backlog)")
    {
        Subscribers = 5_000,
        RatePerSec = 1,
        AftermathLength = TimeSpan.FromSeconds(15),
        KeepAlive = TimeSpan.FromSeconds(15),
    };

    /// <summary>The faults run when none is named: every one but the storm, which is heavy enough to ask for by name.</summary>
    public static readonly IReadOnlyList<Fault> All = [Drop, Restart, Outage, Blackhole, Slow, Overload];

    /// <summary>Every fault that can be named.</summary>
    public static readonly IReadOnlyList<Fault> Named = [.. All, Storm];

    public static Fault? Find(string name) => Named.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Measured time: from the end of warm-up to the aftermath's end.</summary>
    public TimeSpan MeasuredDuration(TimeSpan warmup) => Start - warmup + Duration + AftermathLength;
}
