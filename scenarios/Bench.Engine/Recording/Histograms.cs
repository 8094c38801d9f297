using HdrHistogram;

namespace Bench.Engine.Recording;

/// <summary>The one histogram shape used for every latency: microseconds, 1 µs to 1 hour, 3 significant digits.</summary>
public static class Histograms
{
    /// <summary>The highest value a histogram tracks, in µs (1 hour). Larger values are clamped to it.</summary>
    public const long HighestTrackableUs = 3_600_000_000;

    public const int SignificantDigits = 3;

    /// <summary>A histogram safe for concurrent recording.</summary>
    public static LongConcurrentHistogram CreateConcurrent() => new(1, HighestTrackableUs, SignificantDigits);

    /// <summary>A histogram for one thread, or for copies and sums.</summary>
    public static LongHistogram Create() => new(1, HighestTrackableUs, SignificantDigits);

    /// <summary>Records a latency in µs, clamped into the trackable range.</summary>
    public static void RecordClamped(HistogramBase histogram, long micros) =>
        histogram.RecordValue(Math.Clamp(micros, 1, HighestTrackableUs));
}
