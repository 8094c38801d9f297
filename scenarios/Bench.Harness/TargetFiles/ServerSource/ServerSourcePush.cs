using System.Diagnostics;
using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Warnings;

namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// The push case against a system that publishes on its own (<c>source: server</c>): Bench connects the subscribers,
/// lets the warm-up pass, counts what arrives in the measured window by the system's sequence numbers, and publishes
/// nothing. Throughput and inter-arrival times are always measured; latency only from a timestamp the file names.
/// </summary>
internal static class ServerSourcePush
{
    public const string Description = "A system that publishes on its own: Bench only subscribes; accounting is from each " +
        "message's sequence number per subscriber, latency from the system's own timestamp to arrival (when it has one).";

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, TargetFile file, string guarantee, CancellationToken ct)
    {
        var spec = file.ServerSource!;
        var s = context.Settings;
        var clock = context.Clock;
        var values = new TemplateValues(FilePushFanOut.NewStream());
        var subscribers = new List<FeedSubscriber>();
        try
        {
            var names = Enumerable.Range(0, s.Subscribers).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture));
            foreach (var batch in names.Chunk(32))
            {
                var readers = await Task.WhenAll(batch.Select(_ => FeedReaders.ConnectOrFailAsync(file, values,
                    (line, e) => new Targets.TargetFailedException(line, e), ct))).ConfigureAwait(false);
                subscribers.AddRange(batch.Zip(readers, (name, reader) => new FeedSubscriber(name, reader, spec, clock)));
            }

            await Task.Delay(s.Warmup, clock, ct).ConfigureAwait(false);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var from = clock.GetTimestamp();
            var measuredFrom = clock.GetUtcNow();
            subscribers.ForEach(f => f.Counting = true);
            await Task.Delay(s.Duration, clock, ct).ConfigureAwait(false);
            subscribers.ForEach(f => f.Counting = false);
            var seconds = clock.GetElapsedTime(from).TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var cpuPercent = cpu / seconds / Environment.ProcessorCount * 100;
            await Task.WhenAll(subscribers.Select(f => f.DisposeAsync().AsTask())).ConfigureAwait(false);
            return Result(file, s, subscribers, seconds, cpuPercent, guarantee) with { MeasuredFrom = measuredFrom };
        }
        finally
        {
            // Disposing twice is harmless: the run's path disposed them already; a failed or cancelled one has not.
            await Task.WhenAll(subscribers.Select(f => f.DisposeAsync().AsTask())).ConfigureAwait(false);
        }
    }

    private static ScenarioResult Result(
        TargetFile file, ScenarioSettings s, List<FeedSubscriber> subscribers, double seconds, double cpuPercent, string guarantee)
    {
        var spec = file.ServerSource!;
        var tallies = subscribers.Select(f => f.Tally).ToList();
        var latency = Histograms.Create();
        var interArrival = Histograms.Create();
        foreach (var t in tallies)
        {
            latency.Add(t.Latency);
            interArrival.Add(t.InterArrival);
        }

        var counts = new DeliveryCounts(tallies.Sum(t => t.Sent), tallies.Sum(t => t.Delivered), tallies.Sum(t => t.Lost),
            tallies.Sum(t => t.Duplicated), tallies.Sum(t => t.OutOfOrder), subscribers.Sum(f => f.Malformed + (f.Ended is null ? 0 : 1)));
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var f in subscribers)
        {
            if (f.Malformed > 0)
            {
                errors["malformed_event"] = errors.GetValueOrDefault("malformed_event") + f.Malformed;
            }

            if (f.EndedKind is { } kind)
            {
                errors[kind] = errors.GetValueOrDefault(kind) + 1;
            }
        }

        var host = new Uri(TemplateText.Fill(file.Subscribe.Url!, TemplateValues.Sample)).Host;
        var mixed = !IsLocal(host);
        var feed = new ServerFeedSummary(
            spec.Sequence.Text, spec.Timestamp?.Text, spec.Clock?.Name, spec.Timestamp is not null, LatencyText(spec, host, mixed),
            mixed, tallies.Sum(t => t.LatencyExcluded), Round(counts.Delivered / seconds), HistogramCodec.Summarize(interArrival),
            [.. subscribers.Select(f => new FeedSubscriberCounts(f.Name, f.Tally.First, f.Tally.Last, f.Tally.Sent, f.Tally.Delivered,
                f.Tally.Lost, f.Tally.Duplicated, f.Tally.OutOfOrder))]);
        return new ScenarioResult
        {
            Scenario = ServerSourceSpec.Scenario,
            Description = Description,
            Transport = file.Name,
            Parameters = new ScenarioParameters(0, s.Subscribers, 0, s.Duration.TotalSeconds, s.Warmup.TotalSeconds, s.Subscribers),
            LatencyUs = HistogramCodec.Summarize(latency),
            Throughput = new ThroughputSummary(Round(counts.Sent / seconds), Round(counts.Sent / seconds), feed.DeliveriesPerSec),
            Counts = counts,
            ErrorsByKind = errors,
            Generator = new GeneratorStats(0, 0, Round(cpuPercent)),
            Target = new TargetStats(0, 0, 0, Measured: false),
            Guarantee = guarantee,
            ServerFeed = feed,
            Warnings = [.. Warnings(file, subscribers, feed)],
        };
    }

    private static string LatencyText(ServerSourceSpec spec, string host, bool mixed) => spec.Timestamp is null
        ? "not measured: the file names no timestamp (timestamp.path), so only throughput and inter-arrival times are"
        : $"arrival on this machine's wall clock (Unix time) minus {spec.Timestamp.Text} ({spec.Clock})" + (mixed
            ? $"; the system runs on {host}, so the figure mixes its clock with this machine's (the offset is not estimated)"
            : "; the system runs on this machine: one clock") + (spec.Clock == FeedClock.UnixMs
            ? "; a unix-ms timestamp is whole milliseconds, so each figure may be up to 1 ms high" : "");

    private static IEnumerable<RunWarning> Warnings(TargetFile file, List<FeedSubscriber> subscribers, ServerFeedSummary feed)
    {
        yield return WarningKinds.TargetNotMeasured.OfFeed();
        if (feed.ClocksMixed && feed.LatencyMeasured)
        {
            yield return WarningKinds.ClocksMixed.Of(file.Name);
        }

        if (feed.LatencyExcluded > 0)
        {
            yield return WarningKinds.FutureTimestamps.Of(feed.LatencyExcluded);
        }

        if (subscribers.Count(f => f.Tally.First is null) is > 0 and var silent)
        {
            yield return WarningKinds.SilentSubscribers.Of(silent);
        }

        if (subscribers.FirstOrDefault(f => f.LastUnreadable is not null) is { } unreadable)
        {
            yield return WarningKinds.UnreadableEnvelope.Feed(feed.Sequence, unreadable.LastUnreadable!);
        }

        if (subscribers.FirstOrDefault(f => f.Ended is not null) is { } ended)
        {
            yield return WarningKinds.FeedEnded.Of(ended.Name, ended.Ended!);
        }
    }

    private static bool IsLocal(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip);

    private static double Round(double value) => Math.Round(value, 1);
}
