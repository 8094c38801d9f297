using System.Collections.Concurrent;
using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Model;
using Bench.Reports.Warnings;
using Bench.Targets.Faults;

namespace Bench.Harness.Scenarios.Faults;

/// <summary>One fault × transport × variant: the push load, the fault injected 5 s in, and what it did, event by event.</summary>
internal sealed class FaultRun(FaultsScenario scenario, Fault fault, ITransport transport, string variant, ScenarioContext context)
{
    private readonly ConcurrentQueue<(long Intended, long Arrival)> arrivals = new();
    private readonly List<(double Sec, long Value, long Attempts)> stormSamples = [];
    private string stormWatched = "connected";

    /// <summary>How often a storm's watched figure is read.</summary>
    private static readonly TimeSpan StormSampling = TimeSpan.FromMilliseconds(200);

    /// <summary>The shortest span, in seconds, a storm's attempt rate is taken over: a sampling period less 10 ms of timer slack.</summary>
    private const double StormRateWindow = 0.19;

    private string Label => $"{fault.Name}/{transport.Name}{VariantName.Suffix(variant)}";

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var settings = context.Settings with { Duration = fault.MeasuredDuration(context.Settings.Warmup) };
        var wan = VariantName.Has(variant, WanLink.Variant);

        // Over the wan variant the fault proxy carries 40 ms ± 5 ms each way all along; the fault comes on top.
        var baseline = wan ? new Toxics { Latency = WanLink.OneWay, Jitter = WanLink.Jitter } : Toxics.None;
        var ctx = context with { Settings = settings };
        var streams = Enumerable.Range(0, settings.Subscribers).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var affected = fault.Affected(streams);
        var injection = new FaultInjection(affected, baseline, context.Clock);
        var maxMessage = Math.Max(64 * 1024, settings.PayloadBytes * 2 + 1024);
        var token = Secrets.NewToken();
        var load = new MeasuredLoad(ctx, "faults", Label);
        var recorder = load.NewRecorder();
        var publishRecorder = load.NewRecorder();
        var accounting = new DeliveryAccounting(recorder, streams)
        {
            OnDistinctArrival = (f, at) => arrivals.Enqueue((f.IntendedTimestamp, at))
        };
        var setup = new FaultSetup(token, streams, accounting, maxMessage, variant, fault, s => fault.ProcessingTime(injection, s))
        {
            Overloaded = () => fault.Overloads(injection),
        };
        var path = await transport.StartFaultPathAsync(ctx, setup, ct).ConfigureAwait(false);
        await using (path.ConfigureAwait(false))
        {
            await path.Proxy.SetToxicsAsync(baseline, ct).ConfigureAwait(false);
            var publisher = await path.ConnectPublisherAsync(new Payloads(settings.PayloadBytes), ct).ConfigureAwait(false);
            await using (publisher.ConfigureAwait(false))
            {
                var tally = new PublishTally(recorder);
                var times = new FaultTimes();
                var pending = new PendingWatch(path);
                var outcome = await load.RunAsync(path.Target, recorder, publishRecorder, 1, async (it, token) =>
                    {
                        await publisher.PublishAsync(it.Number, it.IntendedTimestamp, token).ConfigureAwait(false);
                        tally.Published(it);
                    },
                    () => tally.Drained(publisher, accounting, ctx.Clock) || (pending.Quiet(accounting, ctx.Clock) && times.Injected),
                    ct,
                    (runStart, token) => fault.SamplesStorm
                        ? Task.WhenAll(InjectAsync(runStart, path, accounting, injection, times, token),
                            SampleStormAsync(runStart, settings.Warmup + settings.Duration, path, token))
                        : InjectAsync(runStart, path, accounting, injection, times, token)).ConfigureAwait(false);
                await pending.DisposeAsync().ConfigureAwait(false);

                var counters = await path.CountersAsync(CancellationToken.None).ConfigureAwait(false);
                var counts = PushScenario.Count(recorder, accounting, publisher, tally.FirstMeasured);
                // Receivers that answered redeliveries without processing them again: duplicates all the same.
                counts = counts with { Duplicated = counts.Duplicated + path.SilentDuplicates };

                var errors = new Dictionary<string, long>(counters.Errors, StringComparer.Ordinal);
                foreach (var (kind, count) in publishRecorder.ErrorsByKind.Snapshot())
                {
                    errors["publish_" + kind] = count;
                }

                var resilience = Measure(path, publisher, tally, accounting, affected, times, counts, counters);
                var warnings = new List<RunWarning>();
                if (counters.Pending > 0)
                {
                    warnings.Add(WarningKinds.PendingAtEnd.Retrying(counters.Pending));
                }

                if (!times.Injected)
                {
                    warnings.Add(WarningKinds.FaultNotInjected.Of());
                }

                if (fault.SamplesStorm)
                {
                    resilience = resilience with { Storm = StormOf(settings, times, tally.RunStart, outcome) };
                    if (resilience.Storm.AllBackMs is null)
                    {
                        warnings.Add(WarningKinds.StormNotBack.Of(stormWatched == "pending", fault.AftermathLength.TotalSeconds));
                    }
                }

                var result = ResultBuilder.Build(scenario.Name, scenario.Description, transport.Name, settings, recorder, outcome, counts,
                    recorder.Sent, errors, warnings);
                return result with
                {
                    Variant = variant,
                    Guarantee = path.Guarantee ?? transport.Guarantee,
                    Resilience = resilience with { FaultDescription = fault.Description },
                    Warnings = FaultsScenario.CaseWarnings(result.Warnings),
                };
            }
        }
    }

    private async Task InjectAsync(
        long runStart, IFaultPath path, DeliveryAccounting accounting, FaultInjection injection, FaultTimes times, CancellationToken ct)
    {
        var clock = context.Clock;

        // Half an interval after t = 5 s: midway between two scheduled publishes, so how many events are in flight when
        // the fault strikes is not a coincidence of the schedule (at t = 5 s exactly, every pipe holds the event just published).
        var offset = Fault.Start.TotalSeconds + (0.5 / context.Settings.RatePerSec);
        var at = runStart + (long)(offset * clock.TimestampFrequency);
        var wait = clock.GetElapsedTime(clock.GetTimestamp(), at);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, ct).ConfigureAwait(false);
        }

        times.Start = clock.GetTimestamp();
        context.Progress.Message($"  {Label}: {fault.Name} now ({fault.Description})");
        await fault.InjectAsync(path, injection, ct).ConfigureAwait(false);
        times.End = clock.GetTimestamp();
        foreach (var stream in injection.Affected)
        {
            accounting[stream].WatchFirstArrivalAfter(times.End);
        }
    }

    /// <summary>Reads what the storm watches every 200 ms, from the start of the run to the end of the load.</summary>
    private async Task SampleStormAsync(long runStart, TimeSpan end, IFaultPath path, CancellationToken ct)
    {
        var clock = context.Clock;
        try
        {
            for (var k = 0; ; k++)
            {
                var at = runStart + (long)(k * StormSampling.TotalSeconds * clock.TimestampFrequency);
                var wait = clock.GetElapsedTime(clock.GetTimestamp(), at);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, ct).ConfigureAwait(false);
                }

                var sec = clock.GetElapsedTime(runStart).TotalSeconds;
                if (sec > end.TotalSeconds)
                {
                    return;
                }

                try
                {
                    var (watched, value, attempts) = await path.StormSampleAsync(ct).ConfigureAwait(false);
                    stormWatched = watched;
                    lock (stormSamples)
                    {
                        stormSamples.Add((Math.Round(sec, 2), value, attempts));
                    }
                }
                catch (Exception e) when (e is TargetFailedException or InvalidDataException && !ct.IsCancellationRequested)
                {
                    // The target did not answer this time (it is busy with the storm, or its client's 5 s timeout passed,
                    // which cancels a token of the client's own): no sample, not a failure.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run stopped.
        }
    }

    /// <summary>
    /// The storm's figures: when everyone was back after the fault ended (every subscriber connected, or nothing
    /// pending), the peak rate of reconnect attempts or retries, and the target's peak CPU (a second's) and RSS.
    /// </summary>
    private StormSummary StormOf(ScenarioSettings settings, FaultTimes times, long runStart, LoadOutcome outcome)
    {
        var clock = context.Clock;
        List<(double Sec, long Value, long Attempts)> samples;
        lock (stormSamples)
        {
            samples = [.. stormSamples];
        }

        var endSec = times.Injected ? (times.End - runStart) / (double)clock.TimestampFrequency : double.MaxValue;
        var back = samples.FirstOrDefault(p => p.Sec >= endSec
            && (stormWatched == "pending" ? p.Value == 0 : p.Value >= settings.Subscribers));
        double? allBack = back == default ? null : Math.Round(Math.Max(0, back.Sec - endSec) * 1000, 0);
        var points = new List<StormPoint>();
        for (var i = 0; i < samples.Count; i++)
        {
            // Over at least one sampling period: a sample that came late (the target was slow to answer) is followed at
            // once by the next, and a few attempts in those milliseconds would read as a rate no backoff policy bounds.
            var j = i - 1;
            while (j >= 0 && samples[i].Sec - samples[j].Sec < StormRateWindow)
            {
                j--;
            }

            var rate = j < 0 ? 0 : (samples[i].Attempts - samples[j].Attempts) / (samples[i].Sec - samples[j].Sec);
            points.Add(new StormPoint(samples[i].Sec, samples[i].Value, Math.Round(rate, 1)));
        }

        var peakCpu = outcome.TargetCpuMsBySecond.Count == 0 ? 0 : outcome.TargetCpuMsBySecond.Max() / 10.0 / Environment.ProcessorCount;
        return new StormSummary(settings.Subscribers, stormWatched, allBack, points.Count == 0 ? 0 : points.Max(p => p.AttemptsPerSec),
            Math.Round(peakCpu, 1), Math.Round(outcome.TargetPeakRssMiB, 1), points);
    }

    private ResilienceSummary Measure(
        IFaultPath path, IEventPublisher publisher, PublishTally tally, DeliveryAccounting accounting, IReadOnlyList<string> affected,
        FaultTimes times, DeliveryCounts counts, PathCounters counters)
    {
        var clock = context.Clock;
        double Ms(long ticks) => Math.Round(ticks * 1000.0 / clock.TimestampFrequency, 1);
        if (!times.Injected)
        {
            return new ResilienceSummary(fault.Name, Fault.Start.TotalSeconds, fault.Duration.TotalSeconds, null, null, counts.Lost,
                counts.Duplicated, counts.OutOfOrder,
                path.ReconnectAttempts, counters.Retries, counts.Rejected, 0, 0, 0, 0, null, counters.Pending, path.Behaviour,
                counters.KnownUndelivered, "", counters.PublishedWhileAway, counters.PendingAtKill);
        }

        // Detection: the first moment anything on the delivery path noticed (a subscriber, the publisher, the dispatcher).
        var noticed = path.Detections
            .Append(publisher.FirstRejectionTimestamp)
            .Append(counters.FirstFailureTimestamp)
            .Where(t => t >= times.Start)
            .DefaultIfEmpty(0)
            .Min();
        double? detect = noticed == 0 ? null : Ms(noticed - times.Start);

        // Recovery: every affected subscriber has had a delivery again.
        var firsts = affected.Select(s => accounting[s].FirstArrivalAfterWatch).ToList();
        double? recover = firsts.All(f => f is not null) ? Ms(firsts.Max(f => f!.Value) - times.End) : null;
        var recoveredAt = recover is null ? times.End : firsts.Max(f => f!.Value);

        // The events published while the fault lasted (until recovery): their delay, and how long their backlog took.
        var window = arrivals.Where(a => a.Intended >= times.Start && a.Intended <= recoveredAt).ToList();
        var delays = Histograms.Create();
        foreach (var (intended, arrival) in window)
        {
            Histograms.RecordClamped(delays, (long)((arrival - intended) * 1e6 / clock.TimestampFrequency));
        }

        double? drain = window.Count == 0 ? null : Math.Max(0, Ms(window.Max(a => a.Arrival) - times.End));
        var empty = delays.TotalCount == 0;
        return new ResilienceSummary(
            fault.Name,
            Math.Round((times.Start - tally.RunStart) / (double)clock.TimestampFrequency, 2),
            Math.Round((times.End - times.Start) / (double)clock.TimestampFrequency, 2),
            detect,
            recover,
            counts.Lost,
            counts.Duplicated,
            counts.OutOfOrder,
            path.ReconnectAttempts,
            counters.Retries,
            counts.Rejected,
            tally.PublishedBetween(times.Start, recoveredAt),
            empty ? 0 : delays.GetValueAtPercentile(50),
            empty ? 0 : delays.GetValueAtPercentile(99),
            empty ? 0 : delays.GetValueAtPercentile(100),
            drain,
            counters.Pending,
            path.Behaviour,
            counters.KnownUndelivered,
            "",
            counters.PublishedWhileAway,
            counters.PendingAtKill);
    }

    /// <summary>
    /// Decides when nothing more can arrive: no new delivery for 1.5 s and nothing pending at the target (read every
    /// 250 ms in the background, as the drain's check must not block).
    /// </summary>
    private sealed class PendingWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task polling;
        private long pending = 1;
        private long lastDistinct = -1;
        private long quietSince;

        public PendingWatch(IFaultPath path) => polling = PollAsync(path);

        public bool Quiet(DeliveryAccounting accounting, TimeProvider clock)
        {
            var distinct = accounting.Trackers.Sum(t => t.Snapshot().Distinct);
            if (distinct != lastDistinct)
            {
                lastDistinct = distinct;
                quietSince = clock.GetTimestamp();
                return false;
            }

            return Interlocked.Read(ref pending) == 0 && clock.GetElapsedTime(quietSince) > TimeSpan.FromSeconds(1.5);
        }

        private async Task PollAsync(IFaultPath path)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var counters = await path.CountersAsync(stop.Token).ConfigureAwait(false);
                    Interlocked.Exchange(ref pending, counters.Pending);
                    await Task.Delay(250, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is TargetFailedException or HttpRequestException or TaskCanceledException
                    or InvalidDataException)
                {
                    // The target is down (restart) or slow to answer: keep the last figure and ask again. Its control reads
                    // fail with TargetFailedException once their attempts are spent, which is no failure of the run here.
                    await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await polling.ConfigureAwait(false);
            stop.Dispose();
        }
    }
}
