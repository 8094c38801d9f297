namespace Bench.Reports.Model;

/// <summary>
/// A push case against a system that publishes on its own (<c>source: server</c>): Bench only subscribed. Accounting is
/// from each message's sequence number (<c>sequence</c>, a path into the message), per subscriber, exact from the lowest
/// to the highest number that subscriber saw in the measured window: <c>sent</c> is what the sequence says was emitted
/// between them, gaps are lost, repeats duplicated, a number below one already seen out of order. Latency is arrival
/// (this machine's wall clock, as Unix time) minus the message's own timestamp (<c>timestamp</c>, in <c>clock</c>);
/// <c>latencyMeasured</c> is false when the file names none, and <c>latency</c> says which of the two it is.
/// <c>clocksMixed</c>: the system runs on another host, so the figure mixes its clock with this machine's.
/// <c>latencyExcluded</c>: arrivals whose timestamp was later than their arrival (not in the histogram).
/// </summary>
public sealed record ServerFeedSummary(
    string Sequence,
    string? Timestamp,
    string? Clock,
    bool LatencyMeasured,
    string Latency,
    bool ClocksMixed,
    long LatencyExcluded,
    double DeliveriesPerSec,
    LatencySummary InterArrivalUs,
    List<FeedSubscriberCounts> Subscribers)
{
    /// <summary>How <c>sent</c> is counted, for the report and the docs.</summary>
    public const string SentDefinition = "sent is what each subscriber's sequence says was emitted to it between the lowest and " +
        "the highest number it saw in the measured window (its first and last events, when they arrive in order), summed over " +
        "subscribers; a missing number is lost, a number seen again duplicated, a number below one already seen out of order";
}

/// <summary>
/// One subscriber's accounting by the system's sequence: the lowest and highest numbers it saw (null when it saw none)
/// and its counts.
/// </summary>
public sealed record FeedSubscriberCounts(
    string Subscriber, long? FirstSeq, long? LastSeq, long Sent, long Delivered, long Lost, long Duplicated, long OutOfOrder);
