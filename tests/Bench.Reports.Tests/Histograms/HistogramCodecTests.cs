using Bench.Reports.Histograms;

namespace Bench.Reports.Tests.Histograms;

public class HistogramCodecTests
{
    [Fact]
    public void A_histogram_survives_encoding_to_base64_and_back()
    {
        var original = Fixtures.Histogram(100, 7, 5000);

        var decoded = HistogramCodec.Decode(HistogramCodec.Encode(original));

        Assert.Equal(original.TotalCount, decoded.TotalCount);
        foreach (var p in new[] { 0.0, 50, 90, 99, 99.9, 100 })
        {
            Assert.Equal(original.GetValueAtPercentile(p), decoded.GetValueAtPercentile(p));
        }
    }

    [Fact]
    public void Summarize_reads_count_percentiles_and_extremes()
    {
        var summary = HistogramCodec.Summarize(Fixtures.Histogram(1, 1, 1000));

        Assert.Equal(1000, summary.Count);
        Assert.Equal(1, summary.Min);
        Assert.Equal(500, summary.P50);
        Assert.Equal(990, summary.P99);
        Assert.Equal(1000, summary.Max);
        Assert.Equal(500.5, summary.Mean, 1);
    }

    [Fact]
    public void An_empty_histogram_summarizes_to_zeros()
    {
        var summary = HistogramCodec.Summarize(Fixtures.Histogram(1, 1, 0));

        Assert.Equal(0, summary.Count);
        Assert.Equal(0, summary.P99);
    }

    /// <summary>
    /// A ten-minute push run's histogram: millions of counts over a wide range. HdrHistogram.NET's own compressed
    /// decoder takes the several reads its inflater needs for a payload this size for a truncated buffer; Bench's reads
    /// it whole.
    /// </summary>
    [Fact]
    public void A_large_histogram_of_millions_of_counts_round_trips_exactly()
    {
        var h = new HdrHistogram.LongHistogram(1, 3_600_000_000, 3);
        var random = new Random(3);
        for (var i = 0; i < 3_000_000; i++)
        {
            h.RecordValue((long)Math.Exp(random.NextDouble() * 14));
        }

        var back = HistogramCodec.Decode(HistogramCodec.Encode(h));

        Assert.Equal(h.TotalCount, back.TotalCount);
        Assert.Equal(h.GetValueAtPercentile(99.99), back.GetValueAtPercentile(99.99));
        Assert.Equal(h.GetValueAtPercentile(100), back.GetValueAtPercentile(100));
    }

    [Fact]
    public void A_histogram_written_by_the_library_s_own_encoder_still_reads()
    {
        var h = new HdrHistogram.LongHistogram(1, 3_600_000_000, 3);
        h.RecordValue(1234);
        h.RecordValue(98_765);
        var buffer = HdrHistogram.Utilities.ByteBuffer.Allocate(h.GetNeededByteBufferCapacity());
        var length = HdrHistogram.HistogramEncoding.EncodeIntoCompressedByteBuffer(h, buffer);
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        var back = HistogramCodec.Decode(Convert.ToBase64String(bytes));

        Assert.Equal(2, back.TotalCount);
        Assert.Equal(h.GetValueAtPercentile(100), back.GetValueAtPercentile(100));
    }

    [Fact]
    public void Bytes_that_are_not_a_compressed_histogram_are_a_FormatException()
    {
        Assert.Throws<FormatException>(() => HistogramCodec.Decode(Convert.ToBase64String(new byte[16])));
        Assert.Throws<FormatException>(() => HistogramCodec.Decode(Convert.ToBase64String([0x1c, 0x84, 0x93, 0x14, 0x7f, 0, 0, 0, 1])));
    }
}
