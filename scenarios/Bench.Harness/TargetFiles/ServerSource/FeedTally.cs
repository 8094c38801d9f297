using Bench.Engine.Recording;
using HdrHistogram;

namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// One subscriber's accounting by the system's own sequence numbers, exact from the first event it saw: the range runs
/// from the lowest to the highest number seen, every number in it counts as sent, a number never seen is lost, one seen
/// again duplicated, one below a number already seen out of order. Recorded by the subscriber's one reader; read once
/// it has stopped.
/// </summary>
internal sealed class FeedTally
{
    private readonly HashSet<long> seen = [];
    private long lastArrival;

    public long? First { get; private set; }

    public long? Last { get; private set; }

    public long Duplicated { get; private set; }

    public long OutOfOrder { get; private set; }

    /// <summary>Arrivals whose timestamp was later than their arrival: left out of <see cref="Latency"/>, never clamped into it.</summary>
    public long LatencyExcluded { get; private set; }

    /// <summary>From the system's timestamp to arrival, µs, of each number's first arrival.</summary>
    public LongHistogram Latency { get; } = Histograms.Create();

    /// <summary>Between consecutive arrivals (repeats included), µs.</summary>
    public LongHistogram InterArrival { get; } = Histograms.Create();

    public long Sent => First is { } first ? Last!.Value - first + 1 : 0;

    public long Delivered => seen.Count;

    public long Lost => Sent - Delivered;

    /// <summary>
    /// Counts one arrival of <paramref name="seq"/> at <paramref name="arrival"/> (a <see cref="TimeProvider"/> timestamp
    /// of <paramref name="frequency"/> ticks a second), <paramref name="latencyUs"/> after the system stamped it (null: not measured).
    /// </summary>
    public void Record(long seq, long arrival, long frequency, long? latencyUs)
    {
        if (lastArrival != 0)
        {
            Histograms.RecordClamped(InterArrival, (long)((arrival - lastArrival) * 1_000_000.0 / frequency));
        }

        lastArrival = arrival;
        if (!seen.Add(seq))
        {
            Duplicated++;
            return;
        }

        if (Last is { } highest && seq < highest)
        {
            OutOfOrder++;
        }

        First = First is { } lowest ? Math.Min(lowest, seq) : seq;
        Last = Last is { } top ? Math.Max(top, seq) : seq;
        if (latencyUs is { } us)
        {
            if (us < 0)
            {
                LatencyExcluded++;
            }
            else
            {
                Histograms.RecordClamped(Latency, us);
            }
        }
    }
}
