using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Scenarios.Clients;

namespace Bench.Scenarios.Scenarios.Push;

/// <summary>
/// Counts what a push run published, remembers the first event of the measured window, and decides when the drain is
/// over: every acknowledgement is in (or none has come for a second), and every accepted event has reached every subscriber.
/// </summary>
public sealed class PublishTally(RunRecorder recorder)
{
    private long published;
    private long firstMeasured = long.MaxValue;
    private long lastAcceptedCount = -1;
    private long acceptedSteadySince;
    private readonly List<long> intended = [];

    /// <summary>The number of the first event intended in the measured window.</summary>
    public long FirstMeasured => Interlocked.Read(ref firstMeasured);

    public long Count => Interlocked.Read(ref published);

    /// <summary>The run's start (timeline second 0).</summary>
    public long RunStart => recorder.RunStart;

    public void Published(IterationContext it)
    {
        recorder.RecordSent(it.IntendedTimestamp);
        Interlocked.Increment(ref published);
        lock (intended)
        {
            intended.Add(it.IntendedTimestamp);
        }

        if (recorder.IsMeasured(it.IntendedTimestamp))
        {
            // Iterations are numbered in schedule order, so the smallest measured number is the first.
            long current;
            while (it.Number < (current = Interlocked.Read(ref firstMeasured)) && Interlocked.CompareExchange(ref firstMeasured, it.Number, current) != current)
            {
            }
        }
    }

    /// <summary>Published events intended between two timestamps.</summary>
    public long PublishedBetween(long from, long to)
    {
        lock (intended)
        {
            return intended.Count(t => t >= from && t <= to);
        }
    }

    public bool Drained(IEventPublisher publisher, DeliveryAccounting accounting, TimeProvider clock)
    {
        var acceptedCount = publisher.AcceptedCount;
        if (acceptedCount != lastAcceptedCount)
        {
            lastAcceptedCount = acceptedCount;
            acceptedSteadySince = clock.GetTimestamp();
        }

        var acksSettled = acceptedCount >= Count || clock.GetElapsedTime(acceptedSteadySince) > TimeSpan.FromSeconds(1);
        return acksSettled && accounting.AllArrived(PushScenario.AcceptedOrReceived(publisher, accounting));
    }
}
