using HdrHistogram;
using HdrHistogram.Utilities;

namespace Bench.Reports.Histograms;

/// <summary>HdrHistogram V2 compressed encoding as base64, the form histograms take in <c>results.json</c>.</summary>
public static class HistogramCodec
{
    public static string Encode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    public static HistogramBase Decode(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var buffer = ByteBuffer.Allocate(bytes);
        return HistogramEncoding.DecodeFromCompressedByteBuffer(buffer, 0);
    }

    /// <summary>Summary figures of a histogram of microseconds.</summary>
    public static Model.LatencySummary Summarize(HistogramBase histogram)
    {
        var empty = histogram.TotalCount == 0;
        return new Model.LatencySummary(
            histogram.TotalCount,
            empty ? 0 : histogram.LowestEquivalentValue(histogram.RecordedValues().First().ValueIteratedTo),
            empty ? 0 : Math.Round(histogram.GetMean(), 1),
            empty ? 0 : histogram.GetValueAtPercentile(50),
            empty ? 0 : histogram.GetValueAtPercentile(90),
            empty ? 0 : histogram.GetValueAtPercentile(99),
            empty ? 0 : histogram.GetValueAtPercentile(99.9),
            empty ? 0 : histogram.GetMaxValue(),
            Encode(histogram));
    }
}
