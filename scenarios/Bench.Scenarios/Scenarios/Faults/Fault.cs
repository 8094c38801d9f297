namespace Bench.Scenarios.Scenarios.Faults;

/// <summary>A fault the faults scenario injects: its name, when it starts (from the start of the run) and how long it lasts.</summary>
public sealed record Fault(string Name, TimeSpan Duration, string Description)
{
    /// <summary>Every fault starts 5 seconds into the run (after a 1-second warm-up).</summary>
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(5);

    /// <summary>How long the load runs on after a fault ends, to see recovery.</summary>
    public static readonly TimeSpan Aftermath = TimeSpan.FromSeconds(3);

    public static readonly Fault Drop = new("drop", TimeSpan.Zero, "every subscriber connection is reset (reset_peer) once");
    public static readonly Fault Restart = new("restart", TimeSpan.FromSeconds(2), "the target process is killed (SIGKILL) and started again 2 s later");
    public static readonly Fault Outage = new("outage", TimeSpan.FromSeconds(3), "the subscriber side is down for 3 s: connections refused and reset (down)");
    public static readonly Fault Blackhole = new("blackhole", TimeSpan.FromSeconds(5), "half-open for 5 s: nothing is forwarded, sockets stay open (timeout)");
    public static readonly Fault Slow = new("slow", TimeSpan.FromSeconds(5), "one subscriber processes 10 events/s while 100/s arrive, for 5 s");

    public static readonly IReadOnlyList<Fault> All = [Drop, Restart, Outage, Blackhole, Slow];

    public static Fault? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Measured time: from the end of warm-up to the aftermath's end.</summary>
    public TimeSpan MeasuredDuration(TimeSpan warmup) => Start - warmup + Duration + Aftermath;
}
