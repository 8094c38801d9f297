namespace Bench.Reports.Warnings;

/// <summary><c>clocks-mixed</c>: a <c>source: server</c> feed's latency is its host's timestamp against this machine's arrival.</summary>
public sealed class ClocksMixedWarning() : WarningKind("clocks-mixed")
{
    public RunWarning Of(string target) => Warn(
        $"latency mixes two clocks: {target} stamps its messages on its own host's clock, Bench's arrivals "
            + "are on this machine's; the offset between them is not estimated");
}

/// <summary><c>future-timestamps</c>: arrivals stamped later than they arrived, left out of latency (effect: arrivals).</summary>
public sealed class FutureTimestampsWarning() : WarningKind("future-timestamps", "arrivals")
{
    public RunWarning Of(long arrivals) => Warn(
        Inv($"{arrivals:N0} arrivals carried a timestamp later than their arrival ")
            + "(clocks differ): they are left out of latency, not counted as zero",
        arrivals);
}

/// <summary><c>silent-subscribers</c>: subscribers of a feed that saw no event in the measured window (effect: subscribers).</summary>
public sealed class SilentSubscribersWarning() : WarningKind("silent-subscribers", "subscribers")
{
    public RunWarning Of(int subscribers) => Warn(
        Inv($"{subscribers:N0} subscriber(s) saw no event in the measured window: ") + "nothing is accounted for them",
        subscribers);
}

/// <summary><c>feed-ended</c>: a subscriber's stream of a feed Bench did not publish ended during the run.</summary>
public sealed class FeedEndedWarning() : WarningKind("feed-ended")
{
    public RunWarning Of(string subscriber, string why) => Warn(
        $"subscriber {subscriber}'s stream ended during the run ({why}); subscribers do not reconnect to a "
            + "feed Bench did not publish, so its accounting covers the events before");
}
