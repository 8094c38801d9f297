namespace Bench.Reports.Warnings;

/// <summary><c>target-not-measured</c>: a target file names no process Bench can read CPU and memory from.</summary>
public sealed class TargetNotMeasuredWarning() : WarningKind("target-not-measured")
{
    public RunWarning Of(string targetFileName) =>
        Warn($"target CPU and memory not measured: {targetFileName} names no process.pid on this machine.");

    /// <summary>A <c>source: server</c> file, which takes no <c>process</c> section.</summary>
    public RunWarning OfFeed() => Warn("target CPU and memory not measured: a source: server file gives no process.pid");
}

/// <summary><c>coarse-cpu</c>: blocks whose target CPU came from the 10 ms process counter (effect: blocks).</summary>
public sealed class CoarseCpuWarning() : WarningKind("coarse-cpu", "blocks")
{
    public RunWarning Of(int coarse, int blocks) => Warn(
        Inv($"{coarse} of {blocks} blocks' target CPU came from the 10 ms process counter") + " (a target thread exited during them)",
        coarse);
}

/// <summary><c>connections-failed</c>: subscribers that could not be opened (effect: subscribers).</summary>
public sealed class ConnectionsFailedWarning() : WarningKind("connections-failed", "subscribers")
{
    /// <summary>One process held the subscribers.</summary>
    public RunWarning Of(long failed, int asked, int held) => Warn(Sentence(failed, asked, held), failed);

    /// <summary>Agents held the subscribers: whose open-file limit stood in the way, theirs or the target's.</summary>
    public RunWarning Spread(long failed, int asked, int held, SpreadLimits limits)
    {
        var targetLimit = limits.TargetLimit is { } t ? Inv($"{t:N0}") : "unknown";
        return Warn(
            Sentence(failed, asked, held)
                + Inv($" Each agent held at most {limits.MostPerAgent:N0} (open-file limit {limits.AgentLimit:N0}; agent ")
                + Inv($"{limits.WorstAgent} could not open {limits.WorstAgentErrors:N0}); the target held {limits.TargetHeld:N0} ")
                + Inv($"of {asked:N0} (its open-file limit {targetLimit})."),
            failed);
    }

    private static string Sentence(long failed, int asked, int held) =>
        Inv($"{failed:N0} of {asked:N0} subscribers could not be opened; figures are for the {held:N0} that were.");
}

/// <summary>
/// The open-file limits behind a spread connections case: the most any agent held and its limit, the agent that failed
/// most, and what the target held against its own limit (null when unknown).
/// </summary>
public sealed record SpreadLimits(
    int MostPerAgent, long? AgentLimit, int WorstAgent, long WorstAgentErrors, int TargetHeld, long? TargetLimit);
