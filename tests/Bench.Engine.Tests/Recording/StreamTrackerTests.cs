using Bench.Engine.Recording;

namespace Bench.Engine.Tests.Recording;

public class StreamTrackerTests
{
    [Fact]
    public void Counts_distinct_duplicated_and_out_of_order_arrivals_exactly()
    {
        var tracker = new StreamTracker("s0");

        foreach (var seq in new long[] { 1, 2, 4, 3, 4, 5, 2, 200 })
        {
            tracker.Observe(seq, measured: seq >= 3);
        }

        var counts = tracker.Snapshot();
        Assert.Equal(6, counts.Distinct);
        Assert.Equal(4, counts.DistinctMeasured);
        Assert.Equal(2, counts.Duplicated);
        Assert.Equal(1, counts.OutOfOrder);
        Assert.Equal(200, counts.HighestSeq);
    }

    [Fact]
    public void A_duplicate_is_reported_as_not_new()
    {
        var tracker = new StreamTracker("s0");

        Assert.True(tracker.Observe(7, true));
        Assert.False(tracker.Observe(7, true));
    }
}
