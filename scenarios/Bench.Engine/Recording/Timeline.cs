namespace Bench.Engine.Recording;

/// <summary>
/// Per-second counters and latency histograms, seconds counted from the start of the run (warm-up included). A second's
/// histogram is made when its first delivery arrives and packed a few seconds after (arrivals are timed "now", so
/// only stragglers delayed in the process itself still land in it): a long run holds a few live histograms, not one a
/// second.
/// </summary>
public sealed class Timeline
{
    /// <summary>How far behind the newest second a second's histogram is packed.</summary>
    private const int PackAfterSeconds = 3;

    private readonly Slot[] slots;
    private readonly SecondSlots latencies;
    private readonly long runStart;
    private readonly long frequency;

    public Timeline(long runStartTimestamp, long timestampFrequency, int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        runStart = runStartTimestamp;
        frequency = timestampFrequency;
        slots = new Slot[seconds];
        latencies = new SecondSlots(seconds, PackAfterSeconds);
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new Slot(i);
        }
    }

    /// <summary>Events that fell after the last second the timeline holds (counted in totals, not on the timeline).</summary>
    public long Overflow => Interlocked.Read(ref overflow);

    private long overflow;

    public void Sent(long timestamp)
    {
        if (SlotAt(timestamp) is { } slot)
        {
            Interlocked.Increment(ref slot.Sent);
        }
    }

    public void Delivered(long timestamp, long latencyUs)
    {
        if (SlotAt(timestamp) is { } slot)
        {
            Interlocked.Increment(ref slot.Delivered);
            latencies.At(slot.Index).Record(latencyUs);
        }
    }

    public void Error(long timestamp)
    {
        if (SlotAt(timestamp) is { } slot)
        {
            Interlocked.Increment(ref slot.Errors);
        }
    }

    /// <summary>Delivered count of one second (for live progress).</summary>
    public (long Delivered, long P99Us) Peek(int second)
    {
        if (second < 0 || second >= slots.Length)
        {
            return (0, 0);
        }

        var slot = slots[second];
        return (Interlocked.Read(ref slot.Delivered), latencies.Peek(second)?.ValueAtPercentile(99) ?? 0);
    }

    /// <summary>Sent count of one second (for live progress).</summary>
    public long PeekSent(int second) => second < 0 || second >= slots.Length ? 0 : Interlocked.Read(ref slots[second].Sent);

    /// <summary>One entry a second up to the last second with any activity.</summary>
    public IReadOnlyList<TimelinePoint> Snapshot()
    {
        var last = -1;
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i].Sent + slots[i].Delivered + slots[i].Errors > 0)
            {
                last = i;
            }
        }

        var points = new List<TimelinePoint>(last + 1);
        for (var i = 0; i <= last; i++)
        {
            var s = slots[i];
            var latency = latencies.Peek(i)?.Snapshot();
            var empty = latency is null || latency.TotalCount == 0;
            points.Add(new TimelinePoint(
                i,
                s.Sent,
                s.Delivered,
                empty ? 0 : latency!.GetValueAtPercentile(50),
                empty ? 0 : latency!.GetValueAtPercentile(99),
                s.Errors));
        }

        return points;
    }

    private Slot? SlotAt(long timestamp)
    {
        var second = (timestamp - runStart) / frequency;
        if (second < 0)
        {
            second = 0;
        }

        if (second >= slots.Length)
        {
            Interlocked.Increment(ref overflow);
            return null;
        }

        return slots[second];
    }

    private sealed class Slot(int index)
    {
        public readonly int Index = index;
        public long Sent;
        public long Delivered;
        public long Errors;
    }
}

/// <summary>One second of a timeline. Sent counts by intended time, delivered and latency by arrival time.</summary>
public sealed record TimelinePoint(int Second, long Sent, long Delivered, long P50Us, long P99Us, long Errors);
