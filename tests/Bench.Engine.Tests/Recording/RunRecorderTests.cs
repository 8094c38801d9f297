using Bench.Engine.Recording;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Engine.Tests.Recording;

public sealed class RunRecorderTests
{
    /// <summary>
    /// A long run packs each second once it is well behind (so memory does not grow by a full histogram a second);
    /// what is packed, and what arrives for it later, still sums exactly to the measured histogram.
    /// </summary>
    [Fact]
    public void Seconds_packed_behind_the_run_still_sum_to_the_measured_histogram_late_arrivals_included()
    {
        var clock = new FakeTimeProvider();
        var start = clock.GetTimestamp();
        var frequency = clock.TimestampFrequency;
        var recorder = new RunRecorder(clock, start, TimeSpan.Zero, timelineSeconds: 60);
        for (var second = 0; second < 40; second++)
        {
            for (var i = 0; i < 100; i++)
            {
                var intended = start + (second * frequency) + (i * frequency / 100);
                recorder.RecordDelivered(intended, intended + ((second + 1) * frequency / 1000));
            }
        }

        // A straggler for second 2, long after it was packed.
        var late = start + (2 * frequency);
        recorder.RecordDelivered(late, late + (5 * frequency));

        var seconds = recorder.LatencyBySecond();
        Assert.Equal(40, seconds.Count);
        Assert.Equal(101, seconds.Single(s => s.Second == 2).Latency.TotalCount);
        Assert.Equal(recorder.LatencySnapshot().TotalCount, seconds.Sum(s => s.Latency.TotalCount));
        Assert.InRange(seconds.Single(s => s.Second == 2).Latency.GetValueAtPercentile(100), 4_995_000, 5_005_000);
        Assert.InRange(seconds.Single(s => s.Second == 39).Latency.GetValueAtPercentile(50), 39_960, 40_040);
    }
}
