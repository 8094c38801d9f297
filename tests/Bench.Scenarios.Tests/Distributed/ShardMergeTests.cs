using Bench.Engine.Recording;
using Bench.Harness.Distributed;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Warnings;

namespace Bench.Scenarios.Tests.Distributed;

/// <summary>
/// The merge is exact: the same arrivals recorded by one agent, or split by subscriber over three agents that each
/// published a third of the events, merge to the same counts, the same latency histogram and the same per-second
/// histograms. Shards that do not belong together are refused by name; a missing one is named.
/// </summary>
public sealed class ShardMergeTests
{
    private const int Events = 300;
    private const int Streams = 9;

    [Fact]
    public void Three_agents_merge_to_exactly_what_one_agent_recorded_of_the_same_events()
    {
        var one = ShardMerge.Merge([Named(Shard(0, 1))]);
        var three = ShardMerge.Merge([Named(Shard(2, 3)), Named(Shard(0, 3)), Named(Shard(1, 3))]);

        // 300 events × 9 subscribers, one lost (s4 never got event 100), one duplicated (s7 got event 50 twice).
        Assert.Equal(new DeliveryCounts(Events, (Events * Streams) - 1, 1, 1, 0, 0), one.Counts);
        Assert.Equal(one.Counts, three.Counts);
        Assert.Equal(one.LatencyUs with { Histogram = "" }, three.LatencyUs with { Histogram = "" });
        Assert.Equal((Events * Streams) - 1, three.LatencyUs.Count);
        Assert.Equal(
            HistogramCodec.Decode(one.LatencyUs.Histogram).TotalCount, HistogramCodec.Decode(three.LatencyUs.Histogram).TotalCount);
        Assert.Equal(
            one.LatencyBySecond.Select(s => (s.Second, s.Count, s.P50Us, s.P99Us)),
            three.LatencyBySecond.Select(s => (s.Second, s.Count, s.P50Us, s.P99Us)));
        Assert.Equal(Streams, three.Parameters.Subscribers);
        Assert.Equal(3, three.Agents.Count);
        Assert.Equal([3, 3, 3], three.Agents.Select(a => a.Subscribers));
        Assert.Equal([100L, 100, 100], three.Agents.Select(a => a.Published));
        Assert.Equal(three.Counts.Delivered, three.Agents.Sum(a => a.Delivered));
        Assert.Empty(three.Distribution!.MissingShards);
        Assert.Contains("1 lost, 1 duplicated", string.Join(" ", three.Warnings.Select(w => w.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_shard_is_named_and_the_others_are_merged()
    {
        var merged = ShardMerge.Merge([Named(Shard(0, 3)), Named(Shard(2, 3))]);

        Assert.Equal([1], merged.Distribution!.MissingShards);
        Assert.Equal(200, merged.Counts.Sent);
        Assert.Equal(6, merged.Parameters.Subscribers);
        Assert.Contains(merged.Warnings, w => w.Text.StartsWith("shard 1 of 3 missing", StringComparison.Ordinal));
    }

    [Fact]
    public void An_agents_own_warnings_are_kept_under_its_scope_but_its_share_of_the_loss_is_left_to_the_merged_count()
    {
        var agent1 = Shard(1, 3);
        agent1 = agent1 with
        {
            Result = agent1.Result with { Warnings = [WarningKinds.NotExactlyOnce.Of(1, 0), WarningKinds.Reconnects.Of("s4", 1, 2)] },
        };

        var merged = ShardMerge.Merge([Named(Shard(0, 3)), Named(agent1), Named(Shard(2, 3))]);

        Assert.Equal(
            [("not-exactly-once", null, 2.0), ("reconnects", "agent 1", 1.0)],
            merged.Warnings.Select(w => (w.Kind.Name, w.Scope, w.Effect)));
        Assert.Equal("agent 1: subscriber s4 lost its connection 1 time(s) and made 2 reconnect attempt(s)", merged.Warnings[1].Text);
    }

    [Fact]
    public void A_shard_of_another_run_or_a_second_shard_of_one_index_is_refused_by_name()
    {
        var other = Assert.Throws<InvalidDataException>(
            () => ShardMerge.Merge([Named(Shard(0, 3)), new("b/shard-1.json", Shard(1, 3) with { RunId = "other" })]));
        Assert.Contains("b/shard-1.json is from run other, not run-1", other.Message, StringComparison.Ordinal);

        var twice = Assert.Throws<InvalidDataException>(() => ShardMerge.Merge([Named(Shard(1, 3)), new("copy.json", Shard(1, 3))]));
        Assert.Contains("shard-1.json and copy.json are both shard 1", twice.Message, StringComparison.Ordinal);

        var count = Assert.Throws<InvalidDataException>(() => ShardMerge.Merge([Named(Shard(0, 3)), Named(Shard(1, 2))]));
        Assert.Contains("shard-1.json is one of 2 shards, not 3", count.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_sets_survive_their_text_exactly_and_bad_text_is_refused()
    {
        var random = new Random(7);
        for (var round = 0; round < 50; round++)
        {
            var set = new SequenceSet();
            var step = random.Next(1, 5);
            for (long n = random.Next(1, 50); n < 3_000; n += random.Next(0, 4) == 0 ? random.Next(1, 40) : step)
            {
                set.Add(n);
            }

            var back = SequenceSet.FromRangeText(set.ToRangeText());
            Assert.Equal(set.Numbers(), back.Numbers());
        }

        Assert.Equal([1L, 4, 7, 8, 9, 20], SequenceSet.FromRangeText("1-7/3,8-9,20").Numbers());
        Assert.Equal("2-11/3", SequenceSet.FromRangeText("2,5,8,11").ToRangeText());
        Assert.Equal("", new SequenceSet().ToRangeText());
        foreach (var bad in new[] { "5,3", "1-7/4", "a", "3-1", "1-2/0", "-4", "1-2000000000" })
        {
            Assert.Throws<FormatException>(() => SequenceSet.FromRangeText(bad));
        }
    }

    private static ShardMerge.Named Named(ShardResult s) => new($"shard-{s.Index}.json", s);

    /// <summary>
    /// Agent <paramref name="index"/> of <paramref name="count"/>: it published events k+1, k+1+count, …, and holds its
    /// share of the nine streams, each of which received every event (but for one loss and one duplicate) with a
    /// latency that depends only on the stream and the event.
    /// </summary>
    private static ShardResult Shard(int index, int count)
    {
        var (first, size) = AgentShare.Split(Streams, index, count);
        var latency = Engine.Recording.Histograms.Create();
        var bySecond = Enumerable.Range(0, 3).Select(_ => Engine.Recording.Histograms.Create()).ToList();
        var streams = new List<ShardStream>();
        for (var s = first; s < first + size; s++)
        {
            var seen = new SequenceSet();
            for (long n = 1; n <= Events; n++)
            {
                if (s == 4 && n == 100)
                {
                    continue;
                }

                seen.Add(n);
                var us = 100 + (((n * 37) + (s * 11)) % 5_000);
                latency.RecordValue(us);
                bySecond[(int)((n - 1) / 100)].RecordValue(us);
            }

            streams.Add(new ShardStream("s" + s, seen.ToRangeText(), s == 7 ? 1 : 0, 0));
        }

        var published = new SequenceSet();
        for (long n = index + 1; n <= Events; n += count)
        {
            published.Add(n);
        }

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
            Streams = streams,
            Result = new ScenarioResult
            {
                Scenario = "push",
                Transport = "websocket",
                Parameters = new ScenarioParameters(100.0 / count, size, 256, 3, 0, size),
                LatencyUs = HistogramCodec.Summarize(latency),
                LatencyBySecond = [.. bySecond.Select((h, i) => new SecondLatency(
                    i,
                    h.TotalCount,
                    HistogramCodec.ValueAtPercentile(h, 50),
                    HistogramCodec.ValueAtPercentile(h, 99),
                    HistogramCodec.Encode(h)))],
                Throughput = new ThroughputSummary(100.0 / count, 100.0 / count, 0),
                Counts = new DeliveryCounts(published.Count, latency.TotalCount, 0, 0, 0, 0),
                Generator = new GeneratorStats(0, 0, 1),
                Target = new TargetStats(1, 100, 10),
            },
        };
    }
}
