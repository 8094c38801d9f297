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

public class SequenceSetTests
{
    [Fact]
    public void Missing_counts_and_unions_are_exact_across_word_boundaries()
    {
        var accepted = new SequenceSet();
        var seen = new SequenceSet();
        for (var n = 1; n <= 200; n++)
        {
            accepted.Add(n);
            if (n % 3 != 0)
            {
                seen.Add(n);
            }
        }

        Assert.Equal(66, accepted.CountMissingFrom(seen));
        Assert.Equal(33, accepted.CountMissingFrom(seen, from: 101));
        Assert.Equal(1, accepted.CountMissingFrom(seen, from: 198));

        // From past every number (a run cancelled in warm-up measured nothing: from is long.MaxValue).
        Assert.Equal(0, accepted.CountMissingFrom(seen, from: 1_000));
        Assert.Equal(0, accepted.CountMissingFrom(seen, from: long.MaxValue));

        seen.UnionWith(accepted);

        Assert.Equal(200, seen.Count);
        Assert.Equal(0, accepted.CountMissingFrom(seen));
    }
}
