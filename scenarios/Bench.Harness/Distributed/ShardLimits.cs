using System.Globalization;
using Bench.Engine.Recording;

namespace Bench.Harness.Distributed;

/// <summary>
/// What a shard may ask the merge to build, checked before anything is built: its event sets are bitmaps as large as
/// the highest number they name, one for each subscriber's stream, so a few kilobytes of text naming a billion
/// (<c>1-1000000000</c>) once cost 88 s and 6.2 GB. Each shard's sets must fit what the shards declare they published
/// and subscribed, and the whole merge fits documented caps (docs/security.md). A shard that does not is refused
/// (exit 2) naming its file and field.
/// </summary>
public static class ShardLimits
{
    /// <summary>The most agents a job may have (a shard's <c>count</c>).</summary>
    public const int MaxAgents = 1_000;

    /// <summary>The highest event number a merge reads: 100 million events (27 hours at 1,000 a second); a 12.5 MB bitmap.</summary>
    public const long MaxEventNumber = 100_000_000;

    /// <summary>
    /// The most a merge reads in all: the highest number of every set (each stream, each agent's published and measured
    /// events) added up — 50 subscribers over 100 million events, or 5,000 over a million. A bitmap of the highest
    /// number is what each set costs to read and compare.
    /// </summary>
    public const long MaxTotalNumbers = 20_000_000_000;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the shard and field that asks for more than it may.</summary>
    public static void Check(IReadOnlyList<ShardMerge.Named> shards)
    {
        foreach (var named in shards)
        {
            var s = named.Shard;
            if (s.Count > MaxAgents)
            {
                throw Refuse(named, Text($"count is {s.Count:N0}; a job has at most {MaxAgents:N0} agents"));
            }

            if (s.Streams.Count > s.Result.Parameters.Subscribers)
            {
                throw Refuse(named, Text($"streams holds {s.Streams.Count:N0} streams; the shard declares ")
                    + Text($"{s.Result.Parameters.Subscribers:N0} subscribers (result.parameters.subscribers)"));
            }
        }

        // The job's events: every agent runs one schedule, so none numbers more than the agents times what the busiest
        // declares it published (its timeline's sends, warm-up included), with room for one agent running on longer.
        var published = shards.Max(n => Math.Max(n.Shard.Result.Counts.Sent, n.Shard.Result.Timeline.Sum(t => (decimal)t.Sent)));
        var count = shards.Max(n => n.Shard.Count);
        var bound = count * ((2 * published) + 1);
        var declared = bound < MaxEventNumber ? (long)bound : MaxEventNumber;
        long total = 0;
        foreach (var named in shards)
        {
            var s = named.Shard;
            var sets = new List<(string Field, string Text)> { ("accepted", s.Accepted), ("measured", s.Measured) };
            sets.AddRange(s.Streams.Select((st, i) => ($"streams[{i}].seen", st.Seen)));
            foreach (var (field, text) in sets)
            {
                long size, highest;
                try
                {
                    (size, highest) = SequenceSet.MeasureRangeText(text);
                }
                catch (FormatException e)
                {
                    throw new InvalidDataException($"{named.Name}: {field}: {e.Message}", e);
                }

                if (highest > declared)
                {
                    throw Refuse(named, Text($"{field} names event {highest:N0}; the shards declare at most {declared:N0} ")
                        + Text($"({count:N0} agents, {published:N0} events published by the busiest; ")
                        + Text($"Bench merges events up to {MaxEventNumber:N0})"));
                }

                if (field == "measured" && size > s.Result.Counts.Sent)
                {
                    throw Refuse(named, Text($"measured holds {size:N0} events; the shard declares {s.Result.Counts.Sent:N0} sent ")
                        + "(result.counts.sent)");
                }

                total += highest;
                if (total > MaxTotalNumbers)
                {
                    throw Refuse(named, Text($"{field}: the shards' event sets add up to more than {MaxTotalNumbers:N0} numbers ")
                        + "(streams × highest event); Bench merges at most that");
                }
            }
        }
    }

    private static InvalidDataException Refuse(ShardMerge.Named shard, string what) => new($"{shard.Name}: {what}");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
