using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Clients;

namespace Bench.Harness.Scenarios.Push;

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
    private readonly SequenceSet measured = new();

    /// <summary>The number of the first event intended in the measured window.</summary>
    public long FirstMeasured => Interlocked.Read(ref firstMeasured);

    public long Count => Interlocked.Read(ref published);

    /// <summary>The run's start (timeline second 0).</summary>
    public long RunStart => recorder.RunStart;

    public void Published(IterationContext it) => Published(it.Number, it.IntendedTimestamp);

    /// <summary>Counts event <paramref name="number"/>, intended at <paramref name="intendedTimestamp"/>.</summary>
    public void Published(long number, long intendedTimestamp)
    {
        recorder.RecordSent(intendedTimestamp);
        Interlocked.Increment(ref published);
        lock (intended)
        {
            intended.Add(intendedTimestamp);
        }

        if (recorder.IsMeasured(intendedTimestamp))
        {
            lock (measured)
            {
                measured.Add(number);
            }

            // Iterations are numbered in schedule order, so the smallest measured number is the first.
            long current;
            while (number < (current = Interlocked.Read(ref firstMeasured)) && Interlocked.CompareExchange(ref firstMeasured,
                number, current) != current)
            {
            }
        }
    }

    /// <summary>A copy of the numbers published in the measured window (an agent's shard carries them to the merge).</summary>
    public SequenceSet Measured()
    {
        lock (measured)
        {
            return measured.Clone();
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
