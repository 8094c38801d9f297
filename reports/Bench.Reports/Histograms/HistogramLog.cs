using System.Globalization;
using System.Text;
using Bench.Reports.Model;
using HdrHistogram;

namespace Bench.Reports.Histograms;

/// <summary>
/// Writes a result's latency as an HdrHistogram log (the Java reference's format, version 1.3): ASCII, a
/// <c>StartTime</c> line at the start of the measured window, then one interval per second of intended time with its
/// real start, length and maximum (seconds) and its compressed histogram. The intervals sum to the result's histogram,
/// so any HdrHistogram log reader gets the percentiles of <c>results.json</c>.
/// </summary>
public static class HistogramLog
{
    /// <summary>
    /// The log's file name: scenario, the case (fault, mode, payload) where several share a transport, transport and
    /// variant.
    /// </summary>
    public static string FileName(ScenarioResult r)
    {
        var scenario = r switch
        {
            { Resilience: { } x } => $"{r.Scenario}-{x.Fault}",
            { Saturation: { } x } => $"{r.Scenario}-{x.Mode}",
            { Wire: { } x } => $"{r.Scenario}-{x.PayloadBytes.ToString(CultureInfo.InvariantCulture)}B",
            _ => r.Scenario,
        };
        return $"{scenario}-{r.Transport}-{r.Variant}.hlog".Replace(',', '+');
    }

    public static string Render(ScenarioResult r, DateTimeOffset runStartedAt)
    {
        var inv = CultureInfo.InvariantCulture;
        var start = r.MeasuredFrom ?? runStartedAt;
        var tag = FileName(r)[..^".hlog".Length];
        var sb = new StringBuilder();
        sb.Append(inv, $"#[Bench latency of {tag}: microseconds from each event's intended time; one interval a second of intended time"
            + $" over the measured window]\n");
        sb.Append("#[Histogram log format version 1.3]\n");
        sb.Append(inv, $"#[StartTime: {start.ToUnixTimeMilliseconds() / 1000.0:0.000} (seconds since epoch),"
            + $" {start.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}]\n");
        sb.Append("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n");
        var measured = r.LatencyBySecond.Where(s => s.Second >= 0).ToList();
        if (measured.Count == 0)
        {
            // Older files and results without per-second latency: the whole window as one interval.
            sb.Append(inv, $"Tag={tag},0.000,{r.Parameters.DurationSec:0.000},{r.LatencyUs.Max / 1e6:0.000000},{r.LatencyUs.Histogram}\n");
            return sb.ToString();
        }

        foreach (var second in measured)
        {
            var histogram = HistogramCodec.Decode(second.Histogram);
            sb.Append(inv, $"Tag={tag},{second.Second:0.000},1.000,{histogram.GetMaxValue() / 1e6:0.000000},"
                + $"{HistogramCodec.Encode(histogram)}\n");
        }

        return sb.ToString();
    }
}
