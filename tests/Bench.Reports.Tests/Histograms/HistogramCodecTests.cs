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
}
