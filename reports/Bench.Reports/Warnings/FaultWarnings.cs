namespace Bench.Reports.Warnings;

/// <summary><c>fault-not-injected</c>: the run ended before the fault's time came.</summary>
public sealed class FaultNotInjectedWarning() : WarningKind("fault-not-injected")
{
    public RunWarning Of() => Warn("the fault was not injected: the run ended before its time came.");
}

/// <summary><c>storm-not-back</c>: a reconnect storm's subscribers were not all back by the end (effect: seconds watched).</summary>
public sealed class StormNotBackWarning() : WarningKind("storm-not-back", "s")
{
    /// <param name="pendingWatched">True when the backlog at the dispatcher was watched (webhooks), false for connections.</param>
    /// <param name="aftermathSec">How long after the storm the run went on.</param>
    public RunWarning Of(bool pendingWatched, double aftermathSec) => Warn(
        Inv($"not every subscriber was back by the end of the run: ")
            + (pendingWatched ? "deliveries were still pending" : "the target held fewer than all")
            + Inv($" {aftermathSec:0} s after the storm."),
        aftermathSec);
}

/// <summary>
/// <c>subscribers-lowered</c>: a fault ran with fewer subscribers than it asks for, to fit the open-file limit
/// (effect: the subscribers it ran with).
/// </summary>
public sealed class SubscribersLoweredWarning() : WarningKind("subscribers-lowered", "subscribers")
{
    public RunWarning Of(int subscribers, int asked, long? openFileLimit, int descriptorsPerSubscriber) => Warn(
        Inv($"{subscribers:N0} subscribers, not the fault's {asked:N0}: this process's open-file limit ({openFileLimit:N0}) allows ")
            + Inv($"for the {descriptorsPerSubscriber} descriptors a subscriber may hold here at the storm's peak (in the harness, ")
            + "a subscriber's socket and one more while it reconnects; in the fault proxy's process, which has the same limit, its "
            + "two sockets and one more; the webhook case keeps the same count, so the four compare). Raise the limit (ulimit -n) or "
            + "give --subscribers to choose.",
        subscribers);
}
