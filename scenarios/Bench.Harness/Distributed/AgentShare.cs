using Bench.Harness.Scenarios.Push;
using Bench.Harness.Transports;

namespace Bench.Harness.Distributed;

/// <summary>
/// One agent's share of a load spread over <see cref="Count"/> agents: its subscribers (from <see cref="FirstStream"/>),
/// its share of the publish rate (events numbered apart: agent k publishes k+1, k+1+n, …, its schedule offset so the
/// agents' events interleave), the target they all attach to, when the run starts, and which events it times.
/// </summary>
public sealed record AgentShare(
    int Index,
    int Count,
    ClockMethod Clock,
    AttachedTarget Target,
    int FirstStream,
    TimeSpan ScheduleOffset,
    Func<CancellationToken, Task<long>> WaitForStartAsync)
{
    /// <summary>The run-wide number of this agent's iteration <paramref name="iteration"/> (1, 2, …).</summary>
    public long EventNumber(long iteration) => ((iteration - 1) * Count) + Index + 1;

    /// <summary>Whether this agent published event <paramref name="number"/>.</summary>
    public bool Published(long number) => (number - 1) % Count == Index;

    /// <summary>The events this agent times: all of them on a shared clock, its own on a clock of its own; null: all.</summary>
    public Func<long, bool>? Times => Clock == ClockMethod.Shared ? null : Published;

    /// <summary>Receives the exact event sets at the end of a push run, for the shard.</summary>
    public Action<PushScenario.PushEvidence>? Evidence { get; init; }

    /// <summary>
    /// How agent <paramref name="index"/> of <paramref name="count"/> splits <paramref name="total"/> (subscribers):
    /// the first <c>total % count</c> agents take one more. Returns the first item's index and how many.
    /// </summary>
    public static (int First, int Size) Split(int total, int index, int count)
    {
        var size = (total / count) + (index < total % count ? 1 : 0);
        var first = (index * (total / count)) + Math.Min(index, total % count);
        return (first, size);
    }
}

/// <summary>How latency is timed across agents' clocks.</summary>
public enum ClockMethod
{
    /// <summary>Every agent reads one machine's monotonic clock: every delivery is timed.</summary>
    Shared,

    /// <summary>
    /// Each agent times only the events it published itself (one clock per measurement); the rest are counted, not timed.
    /// </summary>
    Own,
}

/// <summary>The words the report uses for each clock method.</summary>
public static class ClockMethods
{
    public static string Name(ClockMethod clock) => clock == ClockMethod.Shared ? "shared" : "own";

    public static ClockMethod? Parse(string? text) => text?.ToLowerInvariant() switch
    {
        "shared" => ClockMethod.Shared,
        "own" => ClockMethod.Own,
        _ => null,
    };

    public static string Describe(ClockMethod clock, int agents) => clock == ClockMethod.Shared
        ? $"one clock: the {agents} agents ran on one machine and read its monotonic clock, so every delivery's latency (arrival minus " +
            $"the intended time another agent may have set) is on that clock; no offset to estimate."
        : $"each agent's own clock: an agent timed only the deliveries of events it published itself (arrival and intended time on one " +
            $"clock), about 1/{agents} of all; every delivery is still counted. No percentile mixes two machines' clocks.";
}
