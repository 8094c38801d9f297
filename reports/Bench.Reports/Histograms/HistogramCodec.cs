using System.Buffers.Binary;
using System.IO.Compression;
using HdrHistogram;
using HdrHistogram.Utilities;

namespace Bench.Reports.Histograms;

/// <summary>
/// HdrHistogram V2 compressed encoding as base64, the form histograms take in <c>results.json</c> and the
/// <c>.hlog</c> files: the V2 cookie and length, then the V2 encoding as one complete zlib stream (header, deflate,
/// Adler-32), as the Java reference writes it and every HdrHistogram port reads it.
/// </summary>
public static class HistogramCodec
{
    /// <summary>The V2 compressed cookie (0x1c849304) with the word-size nibble the Java reference sets.</summary>
    private const int CompressedCookie = 0x1c849314;

    public static string Encode(HistogramBase histogram) => Convert.ToBase64String(EncodeBytes(histogram));

    /// <summary>
    /// The compressed form. HdrHistogram.NET's own compressed encoder leaves its zlib stream unterminated (no final
    /// block, no checksum), which other readers refuse; so Bench takes its uncompressed V2 encoding and compresses
    /// that itself.
    /// </summary>
    public static byte[] EncodeBytes(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.Encode(buffer, HdrHistogram.Encoding.HistogramEncoderV2.Instance);
        var raw = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            raw[i] = buffer.Get();
        }

        using var output = new MemoryStream();
        output.Write(new byte[8]);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var bytes = output.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0, 4), CompressedCookie);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4, 4), bytes.Length - 8);
        return bytes;
    }

    /// <summary>
    /// Reads a compressed V2 histogram. The zlib stream is inflated here, whole, and the library decodes the plain V2
    /// bytes: its own compressed decoder asks its inflater for the whole payload in one read, and a large histogram
    /// (millions of counts over a wide range) comes back in several, which it takes for a truncated buffer.
    /// </summary>
    public static HistogramBase Decode(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        if (bytes.Length < 8 || (BinaryPrimitives.ReadInt32BigEndian(bytes) & ~0xf0) != (CompressedCookie & ~0xf0))
        {
            throw new FormatException("not a compressed HdrHistogram (its cookie is not 0x1c849304)");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (length < 0 || length > bytes.Length - 8)
        {
            throw new FormatException($"the compressed histogram says {length} bytes follow; {bytes.Length - 8} do");
        }

        using var compressed = new MemoryStream(bytes, 8, length, writable: false);
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = zlib.Read(chunk)) > 0)
        {
            // Stop at the cap rather than after it: a zlib bomb of 1 MB inflates to gigabytes.
            if (raw.Length + read > MaxInflatedBytes)
            {
                throw new InvalidDataException(
                    $"the histogram inflates to more than {MaxInflatedBytes / (1024 * 1024)} MiB; Bench reads histograms of up to that");
            }

            raw.Write(chunk, 0, read);
        }

        return HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(raw.ToArray()), 0);
    }

    /// <summary>
    /// The most a histogram may inflate to: the V2 encoding of a full 1 µs–1 hour histogram at 3 digits is under 250 KB
    /// (at most 9 bytes for each of its ~27,000 counts), so 4 MiB is far above any histogram Bench writes.
    /// </summary>
    public const int MaxInflatedBytes = 4 * 1024 * 1024;

    /// <summary>Summary figures of a histogram of microseconds.</summary>
    public static Model.LatencySummary Summarize(HistogramBase histogram)
    {
        var empty = histogram.TotalCount == 0;
        return new Model.LatencySummary(
            histogram.TotalCount,
            empty ? 0 : histogram.LowestEquivalentValue(histogram.RecordedValues().First().ValueIteratedTo),
            empty ? 0 : Math.Round(histogram.GetMean(), 1),
            ValueAtPercentile(histogram, 50),
            ValueAtPercentile(histogram, 90),
            ValueAtPercentile(histogram, 99),
            ValueAtPercentile(histogram, 99.9),
            empty ? 0 : histogram.GetMaxValue(),
            Encode(histogram));
    }

    /// <summary>
    /// The value at a percentile as the HdrHistogram reference (Java, and its ports) computes it: the count rounded up
    /// (so p99.9 of 750 values is the 750th), the bucket's highest equivalent value. HdrHistogram.NET rounds the count
    /// to nearest instead, which differs on small counts; Bench reports the reference's figure. 0 when empty.
    /// </summary>
    public static long ValueAtPercentile(HistogramBase histogram, double percentile)
    {
        if (histogram.TotalCount == 0)
        {
            return 0;
        }

        var fpCount = Math.Min(percentile, 100) / 100.0 * histogram.TotalCount;
        var count = Math.Max((long)Math.Ceiling(fpCount - (Math.BitIncrement(fpCount) - fpCount)), 1);
        foreach (var v in histogram.RecordedValues())
        {
            if (v.TotalCountToThisValue >= count)
            {
                return histogram.HighestEquivalentValue(v.ValueIteratedTo);
            }
        }

        return histogram.GetMaxValue();
    }
}
