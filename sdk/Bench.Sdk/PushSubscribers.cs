using System.Collections.Concurrent;
using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios.Push;
using Bench.Reports.Model;
using Bench.Targets.Events;

namespace Bench.Sdk;

/// <summary>
/// The subscribers of a push scenario, each owed every published event once. A subscriber reports each arrival with
/// <see cref="Delivered"/>; the counting is the harness's own (<see cref="DeliveryAccounting"/>, one stream per
/// subscriber, and <see cref="PushScenario.Count(RunRecorder, DeliveryAccounting, SequenceSet, long, long)"/>), so a
/// custom push scenario's delivered, lost, duplicated and out-of-order are counted as <c>bench run push</c> counts them.
/// Thread-safe.
/// </summary>
public sealed class PushSubscribers
{
    private readonly ConcurrentDictionary<long, long> intended = new();
    private readonly SequenceSet published = new();
    private readonly RunRecorder recorder;
    private readonly DeliveryAccounting accounting;
    private readonly PublishTally tally;
    private long unknown;

    internal PushSubscribers(int subscribers, RunRecorder recorder)
    {
        Subscribers = subscribers;
        this.recorder = recorder;
        accounting = new DeliveryAccounting(recorder, Enumerable.Range(0, subscribers).Select(Stream));
        tally = new PublishTally(recorder);
    }

    /// <summary>Subscribers each event is owed to (0 to <see cref="Subscribers"/> − 1).</summary>
    public int Subscribers { get; }

    /// <summary>Arrivals of an event number that was never published, or at a subscriber out of range.</summary>
    public long Unknown => Interlocked.Read(ref unknown) + accounting.UnknownStream;

    /// <summary>
    /// Reports that <paramref name="subscriber"/> received event <paramref name="number"/> at a timestamp of the run's
    /// clock.
    /// </summary>
    public void Delivered(int subscriber, long number, long arrivalTimestamp)
    {
        if (!intended.TryGetValue(number, out var at))
        {
            Interlocked.Increment(ref unknown);
            return;
        }

        accounting.OnArrival(new EnvelopeFields(EventId(number), Stream(subscriber), number, at), 0, arrivalTimestamp);
    }

    /// <summary>
    /// Announces event <paramref name="number"/> before its step runs: a system may deliver an event before it
    /// acknowledges the publish, and such an arrival must still be matched with its intended time.
    /// </summary>
    internal void Intend(long number, long intendedTimestamp) => intended[number] = intendedTimestamp;

    /// <summary>Counts event <paramref name="number"/> as published (the runner calls this when a push step succeeds).</summary>
    internal void Published(long number)
    {
        lock (published)
        {
            published.Add(number);
        }

        tally.Published(number, intended[number]);
    }

    /// <summary>Every published event (or received one) has reached every subscriber.</summary>
    internal bool Complete() => accounting.AllArrived(Accepted());

    /// <summary>The measured window's counts, as a push run counts them.</summary>
    internal DeliveryCounts Counts() => PushScenario.Count(recorder, accounting, Accepted(), 0, tally.FirstMeasured);

    /// <summary>What was published, and what arrived anywhere (a publish may fail after the system took it).</summary>
    private SequenceSet Accepted()
    {
        SequenceSet accepted;
        lock (published)
        {
            accepted = published.Clone();
        }

        foreach (var tracker in accounting.Trackers)
        {
            accepted.UnionWith(tracker.Seen());
        }

        return accepted;
    }

    private static string Stream(int subscriber) => "s" + subscriber.ToString(CultureInfo.InvariantCulture);

    private static string EventId(long number) => "evt_" + number.ToString(CultureInfo.InvariantCulture);
}
