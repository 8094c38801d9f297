using Bench.Engine.Recording;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Warnings;
using HdrHistogram;

namespace Bench.Harness.Distributed;

/// <summary>
/// Combines the shards of one case into one result, exactly: latency histograms added (never averaged), counts
/// recomputed from the union of the agents' event sets — sent is every measured event any agent published, delivered
/// the measured events each subscriber's stream holds, lost what the target accepted from the measured window on and a
/// stream lacks — duplicates and disorder summed per stream (a stream lives in one agent), and each agent's own health
/// kept. Shards from different runs or cases, or two with one index, are refused naming the file; missing ones are
/// named in the result.
/// </summary>
public static class ShardMerge
{
    /// <summary>A shard as read, with the name it is reported by (its file).</summary>
    public sealed record Named(string Name, ShardResult Shard);

    /// <summary>
    /// Merges <paramref name="shards"/> (one case, at least one shard); throws <see cref="InvalidDataException"/> naming the shard that
    /// does not belong.
    /// </summary>
    public static ScenarioResult Merge(IReadOnlyList<Named> shards)
    {
        if (shards.Count == 0)
        {
            throw new InvalidDataException("no shards to merge");
        }

        var first = shards[0];
        foreach (var other in shards.Skip(1))
        {
            var (s, f) = (other.Shard, first.Shard);
            var clash =
                s.RunId != f.RunId ? $"is from run {s.RunId}, not {f.RunId} ({first.Name}'s)" :
                s.Count != f.Count ? $"is one of {s.Count} shards, not {f.Count} ({first.Name}'s)" :
                Case(s.Result) != Case(f.Result) ? $"is {Case(s.Result)}, not {Case(f.Result)} ({first.Name}'s)" :
                s.Clock != f.Clock ? $"timed on clock '{s.Clock}', not '{f.Clock}' ({first.Name}'s)" :
                null;
            if (clash is not null)
            {
                throw new InvalidDataException($"{other.Name} {clash}");
            }
        }

        foreach (var group in shards.GroupBy(n => n.Shard.Index).Where(g => g.Count() > 1))
        {
            throw new InvalidDataException($"{string.Join(" and ", group.Select(g => g.Name))} are both shard {group.Key}");
        }

        var count = first.Shard.Count;
        var ordered = shards.OrderBy(n => n.Shard.Index).Select(n => n.Shard).ToList();
        var missing = Enumerable.Range(0, count).Except(ordered.Select(s => s.Index)).ToList();
        var template = ordered[0].Result;
        if (template.NotApplicable is not null)
        {
            return template;
        }

        // The exact sets: what any agent published in the measured window; what the target took (acknowledged, or seen
        // by any subscriber); and of that, what counts towards loss — each publisher's events from its first measured on.
        var measured = new SequenceSet();
        var accepted = new SequenceSet();
        foreach (var s in ordered)
        {
            measured.UnionWith(Read(s.Measured, s, "measured"));
            accepted.UnionWith(Read(s.Accepted, s, "accepted"));
            foreach (var stream in s.Streams)
            {
                accepted.UnionWith(Read(stream.Seen, s, $"streams[{stream.Stream}].seen"));
            }
        }

        // One stream's set at a time (read again), so a merge holds four bitmaps however many subscribers there are.
        var counted = CountedForLoss(accepted, ordered, count);
        var deliveredBy = new long[ordered.Count];
        long lost = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            foreach (var stream in ordered[i].Streams)
            {
                var seen = Read(stream.Seen, ordered[i], $"streams[{stream.Stream}].seen");
                deliveredBy[i] += seen.CountCommon(measured);
                lost += counted.CountMissingFrom(seen);
            }
        }

        var delivered = deliveredBy.Sum();
        var allStreams = ordered.SelectMany(s => s.Streams).ToList();
        var duplicated = allStreams.Sum(s => s.Duplicated);
        var outOfOrder = allStreams.Sum(s => s.OutOfOrder);

        var latency = Add(ordered.Select(s => s.Result.LatencyUs.Histogram));
        var bySecond = ordered.SelectMany(s => s.Result.LatencyBySecond).GroupBy(x => x.Second).OrderBy(g => g.Key)
            .Select(g => Add(g.Select(x => x.Histogram)) is var h
                ? new SecondLatency(g.Key, h.TotalCount, HistogramCodec.ValueAtPercentile(h, 50), HistogramCodec.ValueAtPercentile(h, 99),
                    HistogramCodec.Encode(h))
                : null!)
            .ToList();
        var warmup = (int)Math.Round(template.Parameters.WarmupSec);
        var timeline = ordered.SelectMany(s => s.Result.Timeline).GroupBy(t => t.Second).OrderBy(g => g.Key).Select(g =>
        {
            var second = bySecond.FirstOrDefault(b => b.Second == g.Key - warmup);
            return new TimelineEntry(g.Key, g.Sum(t => t.Sent), g.Sum(t => t.Delivered), second?.P50Us ?? g.Max(t => t.P50Us),
                second?.P99Us ?? g.Max(t => t.P99Us),
                g.Sum(t => t.Errors), g.Select(t => t.TargetCpuMs).FirstOrDefault(c => c is not null));
        }).ToList();

        var errorsByKind = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, n) in ordered.SelectMany(s => s.Result.ErrorsByKind))
        {
            errorsByKind[kind] = errorsByKind.GetValueOrDefault(kind) + n;
        }

        var sent = measured.Count;
        var seconds = Math.Max(0.001, template.Parameters.DurationSec);
        var offered = template.Parameters.RatePerSec * count;
        var agents = ordered.Select((s, i) => new AgentHealth(
            s.Index, s.Host, s.Result.Parameters.Subscribers, s.Result.Counts.Sent,
            deliveredBy[i],
            s.Result.LatencyUs.Count, s.Result.Generator.ScheduleLagP99Us, s.Result.Generator.CpuPercent, s.Result.Counts.Errors,
            s.Status == "complete" ? "complete" : $"{s.Status}: {s.StatusMessage}")).ToList();
        var clock = ClockMethods.Parse(first.Shard.Clock) ?? ClockMethod.Own;
        var warnings = new List<RunWarning>();
        if (missing.Count > 0)
        {
            warnings.Add(WarningKinds.ShardMissing.Of(missing, count, ordered.Count, ordered.Sum(s => s.Result.Parameters.Subscribers)));
        }

        if (lost > 0 || duplicated > 0)
        {
            warnings.Add(WarningKinds.NotExactlyOnce.Of(lost, duplicated));
        }

        // An agent's own loss counts only its share; the merged count above is the case's. A warning several agents
        // gave word for word is said once, naming them ("every agent" when all did).
        warnings.AddRange(ordered
            .SelectMany(s => s.Result.Warnings.Where(w => !w.Is(WarningKinds.NotExactlyOnce)).Select(w => (s.Index, Warning: w)))
            .GroupBy(x => x.Warning.Text, StringComparer.Ordinal)
            .Select(g => g.First().Warning.In(g.Count() == 1 ? $"agent {g.First().Index}"
                : g.Count() == ordered.Count ? "every agent" : $"agents {string.Join(", ", g.Select(x => x.Index))}")));

        return template with
        {
            Parameters = template.Parameters with
            {
                RatePerSec = offered,
                Subscribers = ordered.Sum(s => s.Result.Parameters.Subscribers),
                Connections = ordered.Sum(s => s.Result.Parameters.Connections),
            },
            LatencyUs = HistogramCodec.Summarize(latency),
            LatencyBySecond = bySecond,
            Timeline = timeline,
            Throughput = new ThroughputSummary(offered, Math.Round(ordered.Sum(s => s.Result.Throughput.AchievedPerSec), 2),
                Math.Round(delivered / seconds, 2)),
            Counts = new DeliveryCounts(sent, delivered, lost, duplicated, outOfOrder, ordered.Sum(s => s.Result.Counts.Errors),
                ordered.Sum(s => s.Result.Counts.Rejected)),
            ErrorsByKind = errorsByKind,
            Generator = new GeneratorStats(ordered.Max(s => s.Result.Generator.ScheduleLagP99Us),
                ordered.Sum(s => s.Result.Generator.DroppedIterations), ordered.Max(s => s.Result.Generator.CpuPercent)),
            Warnings = warnings,
            Agents = agents,
            Distribution = new DistributionInfo(count, ClockMethods.Name(clock), ClockMethods.Describe(clock, count), missing),
        };
    }

    /// <summary>"scenario/transport[/variant]".</summary>
    private static string Case(ScenarioResult r) => $"{r.Scenario}/{r.Transport}{(r.Variant == "default" ? "" : "/" + r.Variant)}";

    /// <summary>
    /// The accepted events that count towards loss: each publisher's from its first measured event on. A missing
    /// agent's events count from the same place in its schedule as the others' (every agent runs the same schedule).
    /// </summary>
    private static SequenceSet CountedForLoss(SequenceSet accepted, IReadOnlyList<ShardResult> shards, int count)
    {
        var firstIteration = shards.Where(s => s.FirstMeasured is > 0 and < long.MaxValue)
            .Select(s => ((s.FirstMeasured - s.Index - 1) / count) + 1).DefaultIfEmpty(long.MaxValue).Min();
        var from = new long[count];
        for (var k = 0; k < count; k++)
        {
            from[k] = firstIteration == long.MaxValue ? long.MaxValue : ((firstIteration - 1) * count) + k + 1;
        }

        foreach (var s in shards.Where(s => s.FirstMeasured is > 0))
        {
            from[s.Index] = s.FirstMeasured;
        }

        var counted = new SequenceSet();
        foreach (var (a, b) in accepted.Ranges())
        {
            for (var n = a; n <= b; n++)
            {
                if (n >= from[(n - 1) % count])
                {
                    counted.Add(n);
                }
            }
        }

        return counted;
    }

    private static SequenceSet Read(string text, ShardResult shard, string field)
    {
        try
        {
            return SequenceSet.FromRangeText(text);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"shard {shard.Index}: {field}: {e.Message}", e);
        }
    }

    private static HistogramBase Add(IEnumerable<string> encoded)
    {
        var sum = Engine.Recording.Histograms.Create();
        foreach (var h in encoded.Where(h => h.Length > 0))
        {
            sum.Add(HistogramCodec.Decode(h));
        }

        return sum;
    }
}
