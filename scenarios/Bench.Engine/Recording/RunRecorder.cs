using HdrHistogram;

namespace Bench.Engine.Recording;

/// <summary>
/// Records sends, deliveries and errors of one scenario run. Latency is arrival minus the event's intended time, so
/// a stalled generator or target shows up in the figures (coordinated-omission correction). Events intended during
/// warm-up appear on the timeline but not in the summary counts or histogram.
/// </summary>
public sealed class RunRecorder
{
    private readonly LongConcurrentHistogram measured = Histograms.CreateConcurrent();
    private readonly double ticksPerMicro;
    private long sent;
    private long delivered;
    private long errors;

    private readonly int timelineSeconds;
    private readonly TimeSpan warmup;
    private readonly TimeSpan? measuredLength;
    private Timeline? timeline;

    // Latency by intended second, counted from the start of the measured window (warm-up seconds are negative):
    // the measured ones sum to the summary histogram exactly; they are the blocks intervals resample, and the
    // warm-up ones show the cold start.
    private SecondSlots bySecond = new(0, PackAfterSeconds);

    /// <summary>How far behind the newest second a second is packed (see <see cref="SecondSlot"/>): later deliveries are rare.</summary>
    private const int PackAfterSeconds = 10;
    private int warmupSlots;

    /// <summary>A recorder whose run starts at <paramref name="runStartTimestamp"/>.</summary>
    public RunRecorder(TimeProvider timeProvider, long runStartTimestamp, TimeSpan warmup, int timelineSeconds)
        : this(timeProvider, warmup, timelineSeconds)
    {
        Begin(runStartTimestamp);
    }

    /// <summary>
    /// A recorder whose start is set later by <see cref="Begin"/>, when the load is about to start. With
    /// <paramref name="measured"/>, the measured window ends that long after warm-up (what follows — a cost probe — is
    /// on the timeline only); without, it runs to the end.
    /// </summary>
    public RunRecorder(TimeProvider timeProvider, TimeSpan warmup, int timelineSeconds, TimeSpan? measured = null)
    {
        TimeProvider = timeProvider;
        this.warmup = warmup;
        measuredLength = measured;
        this.timelineSeconds = timelineSeconds;
        ticksPerMicro = timeProvider.TimestampFrequency / 1e6;
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>Where the run (warm-up included) starts: second 0 of the timeline.</summary>
    public long RunStart { get; private set; }

    /// <summary>The first intended timestamp that counts in the summary.</summary>
    public long MeasureStart { get; private set; } = long.MaxValue;

    /// <summary>The first intended timestamp after the measured window (<see cref="long.MaxValue"/> when it runs to the end).</summary>
    public long MeasureEnd { get; private set; } = long.MaxValue;

    public Timeline Timeline => timeline ?? throw new InvalidOperationException("the recorder has not begun");

    /// <summary>Fixes the run's start; called once, before anything is recorded.</summary>
    public void Begin(long runStartTimestamp)
    {
        if (timeline is not null)
        {
            throw new InvalidOperationException("the recorder has begun already");
        }

        RunStart = runStartTimestamp;
        MeasureStart = runStartTimestamp + (long)(warmup.TotalSeconds * TimeProvider.TimestampFrequency);
        MeasureEnd = measuredLength is { } m ? MeasureStart + (long)(m.TotalSeconds * TimeProvider.TimestampFrequency) : long.MaxValue;
        timeline = new Timeline(runStartTimestamp, TimeProvider.TimestampFrequency, timelineSeconds);
        warmupSlots = (int)Math.Ceiling(warmup.TotalSeconds);
        bySecond = new SecondSlots(warmupSlots + timelineSeconds, PackAfterSeconds);
    }

    public ErrorCounts ErrorsByKind { get; } = new();

    /// <summary>Told each measured latency (µs) as it is recorded, for live metrics; null for none.</summary>
    public Action<long>? LatencyObserver { get; set; }

    public long Sent => Interlocked.Read(ref sent);

    public long Delivered => Interlocked.Read(ref delivered);

    public long Errors => Interlocked.Read(ref errors);

    public bool IsMeasured(long intendedTimestamp) => intendedTimestamp >= MeasureStart && intendedTimestamp < MeasureEnd;

    public void RecordSent(long intendedTimestamp)
    {
        Timeline.Sent(intendedTimestamp);
        if (IsMeasured(intendedTimestamp))
        {
            Interlocked.Increment(ref sent);
        }
    }

    /// <summary>Records one delivery; returns its latency in µs.</summary>
    public long RecordDelivered(long intendedTimestamp, long arrivalTimestamp)
    {
        var latencyUs = (long)((arrivalTimestamp - intendedTimestamp) / ticksPerMicro);
        Timeline.Delivered(arrivalTimestamp, latencyUs);
        if (intendedTimestamp < MeasureEnd)
        {
            SecondOf(intendedTimestamp).Record(latencyUs);
        }

        if (IsMeasured(intendedTimestamp))
        {
            Interlocked.Increment(ref delivered);
            Histograms.RecordClamped(measured, latencyUs);
            LatencyObserver?.Invoke(latencyUs);
        }

        return latencyUs;
    }

    public void RecordError(long intendedTimestamp, long atTimestamp, string kind)
    {
        Timeline.Error(atTimestamp);
        if (IsMeasured(intendedTimestamp))
        {
            Interlocked.Increment(ref errors);
            ErrorsByKind.Add(kind);
        }
    }

    /// <summary>A copy of the measured latency histogram (µs).</summary>
    public HistogramBase LatencySnapshot() => measured.Copy();

    /// <summary>
    /// Latency (µs) of each second with deliveries, by intended time: second 0 starts the measured window, warm-up
    /// seconds are negative. The seconds from 0 on sum to <see cref="LatencySnapshot"/>.
    /// </summary>
    public IReadOnlyList<(int Second, HistogramBase Latency)> LatencyBySecond()
    {
        var seconds = new List<(int, HistogramBase)>();
        for (var i = 0; i < bySecond.Count; i++)
        {
            if (bySecond.Peek(i) is { } slot)
            {
                seconds.Add((i - warmupSlots, slot.Snapshot()));
            }
        }

        return seconds;
    }

    private SecondSlot SecondOf(long intendedTimestamp)
    {
        var frequency = TimeProvider.TimestampFrequency;
        var offset = intendedTimestamp - MeasureStart;
        var second = offset >= 0 ? offset / frequency : -((-offset + frequency - 1) / frequency);
        return bySecond.At((int)Math.Clamp(second + warmupSlots, 0, bySecond.Count - 1));
    }
}
