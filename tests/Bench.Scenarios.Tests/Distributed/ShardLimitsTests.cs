using Bench.Engine.Recording;
using Bench.Harness.Distributed;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using FsCheck.Xunit;

namespace Bench.Scenarios.Tests.Distributed;

/// <summary>
/// A shard is a file from elsewhere: its event sets become bitmaps as large as the highest number they name, so the
/// merge checks what each asks for against what the shards declare (sent events, subscribers) and the documented caps
/// before it builds anything. A 9 KB shard naming a billion once took 88 s and 6.2 GB.
/// </summary>
public sealed class ShardLimitsTests
{
    /// <summary>Agent <paramref name="index"/> of <paramref name="count"/> of a 300-event job: three subscribers, all arrived.</summary>
    internal static ShardResult Shard(int index, int count)
    {
        var published = new SequenceSet();
        for (long n = index + 1; n <= 300; n += count)
        {
            published.Add(n);
        }

        var empty = HistogramCodec.Summarize(Engine.Recording.Histograms.Create());
        return new ShardResult
        {
            RunId = "run-1",
            Index = index,
            Count = count,
            Host = "test",
            Clock = "shared",
            Accepted = published.ToRangeText(),
            Measured = published.ToRangeText(),
            FirstMeasured = index + 1,
            Streams = [.. Enumerable.Range(0, 3).Select(s => new ShardStream($"s{(index * 3) + s}", "1-300", 0, 0))],
            Result = new ScenarioResult
            {
                Scenario = "push",
                Transport = "websocket",
                Parameters = new ScenarioParameters(100.0 / count, 3, 256, 3, 0, 3),
                LatencyUs = empty,
                Throughput = new ThroughputSummary(100.0 / count, 100.0 / count, 0),
                Counts = new DeliveryCounts(published.Count, 900, 0, 0, 0, 0),
                Generator = new GeneratorStats(0, 0, 1),
                Target = new TargetStats(1, 100, 10),
            },
        };
    }

    private static List<ShardMerge.Named> Job(params ShardResult[] shards) =>
        [.. shards.Select(s => new ShardMerge.Named($"shard-{s.Index}.json", s))];

    [Fact]
    public void Shards_within_what_they_declare_merge_as_before()
    {
        var run = ShardFiles.Merge(Job(Shard(0, 3), Shard(1, 3), Shard(2, 3)), "bench merge");

        Assert.Equal(new DeliveryCounts(300, 2_700, 0, 0, 0, 0), run.Results.Single().Counts);
    }

    [Fact]
    public void A_stream_naming_more_events_than_the_shards_declare_is_refused_before_it_is_built()
    {
        var hostile = Shard(1, 3) with { Streams = [new ShardStream("s3", "1-5000000", 0, 0)] };

        var e = Assert.Throws<InvalidDataException>(() => ShardFiles.Merge(Job(Shard(0, 3), hostile, Shard(2, 3)), "bench merge"));

        Assert.Equal(
            "shard-1.json: streams[0].seen names event 5,000,000; the shards declare at most 603 " +
            "(3 agents, 100 events published by the busiest; Bench merges events up to 100,000,000)", e.Message);
    }

    [Fact]
    public void A_billion_is_refused_at_the_cap_in_moments_even_when_the_shard_declares_as_much()
    {
        var huge = Shard(0, 1);
        huge = huge with
        {
            Streams = [new ShardStream("s0", "1-1000000000", 0, 0)],
            Result = huge.Result with { Counts = huge.Result.Counts with { Sent = 1_000_000_000 } },
        };

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ShardFiles.Merge(Job(huge), "bench merge"));

        Assert.Contains("names event 1,000,000,000; the shards declare at most 100,000,000", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16L * 1024 * 1024);
    }

    [Theory]
    [InlineData(20_000_000)]
    [InlineData(2_000_000_000)]
    public void A_count_of_millions_of_agents_is_refused(int count)
    {
        var e = Assert.Throws<InvalidDataException>(() => ShardFiles.Merge(Job(Shard(0, 3) with { Count = count }), "bench merge"));

        Assert.Contains($"count is {count:N0}; a job has at most 1,000 agents", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_streams_than_declared_subscribers_are_refused()
    {
        var shard = Shard(0, 1);
        var doubled = shard with { Streams = [.. shard.Streams, .. shard.Streams] };
        var e = Assert.Throws<InvalidDataException>(() => ShardFiles.Merge(Job(doubled), "bench merge"));

        Assert.Contains("streams holds 6 streams; the shard declares 3 subscribers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_measured_set_larger_than_the_declared_sends_is_refused()
    {
        var shard = Shard(0, 3) with { Measured = "1-300" };

        var e = Assert.Throws<InvalidDataException>(() => ShardFiles.Merge(Job(shard), "bench merge"));

        Assert.Contains("measured holds 300 events; the shard declares 100 sent", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs are filled a word at a time; the set must be the one adding each number gives.</summary>
    [Property(MaxTest = 200)]
    public void A_run_filled_by_words_holds_exactly_its_numbers(ushort start, ushort length, byte step, ushort second)
    {
        var from = start + 1L;
        var k = (step % 70) + 1L;
        var to = from + ((length % 3000) / k * k);
        var next = to + 1 + (second % 500);
        var text = $"{from}-{to}/{k},{next}-{next + 200}";

        var set = SequenceSet.FromRangeText(text);

        var expected = new SequenceSet();
        for (var n = from; n <= to; n += k)
        {
            expected.Add(n);
        }

        for (var n = next; n <= next + 200; n++)
        {
            expected.Add(n);
        }

        Assert.Equal(expected.Numbers(), set.Numbers());
        Assert.Equal(expected.Count, set.Count);
        Assert.Equal(expected.Highest, set.Highest);
        Assert.Equal((expected.Count, expected.Highest), SequenceSet.MeasureRangeText(text));
    }
}
