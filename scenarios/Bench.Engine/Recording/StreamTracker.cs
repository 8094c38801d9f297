namespace Bench.Engine.Recording;

/// <summary>
/// Exact accounting of one subscriber's stream by event number (the publisher's 1, 2, 3, …, unique across target
/// restarts): distinct arrivals, duplicates and out-of-order arrivals. What is lost is what the target accepted minus
/// what arrived at least once. Thread-safe; arrivals of one stream may come on different threads.
/// </summary>
public sealed class StreamTracker(string stream, int publishers = 1)
{
    private readonly object gate = new();
    private readonly SequenceSet seen = new();
    private long distinctMeasured;
    private long duplicated;
    private long outOfOrder;
    private long firstArrivalAfter = long.MaxValue;
    private long watchFrom = long.MaxValue;
    private readonly long[] highestByPublisher = new long[Math.Max(1, publishers)];

    public string Stream { get; } = stream;

    /// <summary>Records the arrival of event <paramref name="number"/>; returns false for a duplicate.</summary>
    public bool Observe(long number, bool measured, long arrivalTimestamp = 0)
    {
        lock (gate)
        {
            if (!seen.Add(number))
            {
                duplicated++;
                return false;
            }

            if (measured)
            {
                distinctMeasured++;
            }

            // With several publishers (agents) numbers interleave (publisher k sends k+1, k+1+P, …): order is only
            // promised within one publisher's events, so an arrival is out of order against its own publisher's highest.
            var publisher = (int)((number - 1) % highestByPublisher.Length);
            if (number < highestByPublisher[publisher])
            {
                outOfOrder++;
            }
            else
            {
                highestByPublisher[publisher] = number;
            }

            if (arrivalTimestamp >= watchFrom && arrivalTimestamp < firstArrivalAfter)
            {
                firstArrivalAfter = arrivalTimestamp;
            }

            return true;
        }
    }

    /// <summary>Starts watching for the first arrival at or after <paramref name="timestamp"/> (recovery after a fault).</summary>
    public void WatchFirstArrivalAfter(long timestamp)
    {
        lock (gate)
        {
            watchFrom = timestamp;
            firstArrivalAfter = long.MaxValue;
        }
    }

    /// <summary>The first arrival at or after the watched timestamp, or null.</summary>
    public long? FirstArrivalAfterWatch
    {
        get
        {
            lock (gate)
            {
                return firstArrivalAfter == long.MaxValue ? null : firstArrivalAfter;
            }
        }
    }

    /// <summary>Events of <paramref name="accepted"/> numbered <paramref name="from"/> or later that never arrived here.</summary>
    public long LostOf(SequenceSet accepted, long from)
    {
        lock (gate)
        {
            return accepted.CountMissingFrom(seen, from);
        }
    }

    public bool HasAll(SequenceSet accepted)
    {
        lock (gate)
        {
            return accepted.CountMissingFrom(seen) == 0;
        }
    }

    /// <summary>A copy of the numbers that arrived.</summary>
    public SequenceSet Seen()
    {
        lock (gate)
        {
            return seen.Clone();
        }
    }

    public StreamCounts Snapshot()
    {
        lock (gate)
        {
            return new StreamCounts(Stream, seen.Count, distinctMeasured, duplicated, outOfOrder, seen.Highest);
        }
    }
}

/// <summary>One stream's counts at a moment.</summary>
public sealed record StreamCounts(string Stream, long Distinct, long DistinctMeasured, long Duplicated, long OutOfOrder, long HighestSeq);
