using Bench.Engine.Recording;
using Bench.Harness.Plan;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Warnings;

namespace Bench.Harness.Running;

/// <summary>Turns what a scenario recorded into its <see cref="ScenarioResult"/>, with the warnings its figures call for.</summary>
public static class ResultBuilder
{
    /// <summary>Achieved below this share of offered is reported as "offered load not achieved".</summary>
    public const double AchievedTolerance = 0.98;

    /// <summary>A generator whose schedule ran later than this at p99 has distorted the figures.</summary>
    public const long ScheduleLagLimitUs = 1_000;

    /// <summary>Generator CPU above this share of the whole machine means the generator may be the bottleneck.</summary>
    public const double GeneratorCpuLimitPercent = 85;

    public static ScenarioResult Build(
        string scenario, string description, string transport, ScenarioSettings settings, RunRecorder recorder,
        LoadOutcome outcome, DeliveryCounts counts, long achievedCount, IDictionary<string, long> extraErrors,
        IEnumerable<RunWarning> extraWarnings)
    {
        var errors = recorder.ErrorsByKind.Snapshot();
        foreach (var (kind, count) in extraErrors)
        {
            errors[kind] = errors.GetValueOrDefault(kind) + count;
        }

        var latency = HistogramCodec.Summarize(recorder.LatencySnapshot());
        var achieved = achievedCount / outcome.MeasuredSeconds;
        var result = new ScenarioResult
        {
            Scenario = scenario,
            Description = description,
            Transport = transport,
            Parameters = new ScenarioParameters(settings.RatePerSec, settings.Subscribers, settings.PayloadBytes,
                settings.Duration.TotalSeconds, settings.Warmup.TotalSeconds, settings.Connections),
            LatencyUs = latency,
            Throughput = new ThroughputSummary(settings.RatePerSec, Round(achieved), Round(counts.Delivered / outcome.DeliverySeconds)),
            Counts = counts with { Errors = counts.Errors + extraErrors.Values.Sum() },
            ErrorsByKind = errors,
            Timeline = [.. recorder.Timeline.Snapshot().Select(t => new TimelineEntry(t.Second, t.Sent, t.Delivered,
                t.P50Us, t.P99Us, t.Errors,
                t.Second < outcome.TargetCpuMsBySecond.Count ? Math.Round(outcome.TargetCpuMsBySecond[t.Second], 1) : null))],
            CostProbe = settings.CostProbe > TimeSpan.Zero
                ? new CostProbe(settings.RatePerSec / 2, settings.Warmup.TotalSeconds + settings.Duration.TotalSeconds,
                    settings.Warmup.TotalSeconds + settings.Duration.TotalSeconds + settings.CostProbe.TotalSeconds)
                : null,
            LatencyBySecond = BySecond(recorder),
            MeasuredFrom = recorder.TimeProvider.GetUtcNow() - recorder.TimeProvider.GetElapsedTime(recorder.MeasureStart),
            Generator = new GeneratorStats(
                outcome.Load.ScheduleLagUs.TotalCount == 0 ? 0 : outcome.Load.ScheduleLagUs.GetValueAtPercentile(99),
                outcome.Load.Dropped,
                Round(outcome.GeneratorCpuPercent)),
            Target = outcome.TargetMeasured
                ? new TargetStats(Round(outcome.TargetCpuSeconds), Round(outcome.TargetPeakRssMiB), Round(outcome.TargetCpuPercent))
                : new TargetStats(0, 0, 0, Measured: false),
            Probe = outcome.Probe,
        };
        return result with { Warnings = [.. Warnings(result, outcome), .. extraWarnings] };
    }

    /// <summary>A late generator matters when its lag is both over the limit and at least this share of the case's p99.</summary>
    public const double ScheduleLagShareLimit = 0.05;

    /// <summary>
    /// The generator's schedule lag p99 as a share of the case's latency p99, when it is large enough to warn of; else null.
    /// </summary>
    public static double? GeneratorLateShare(ScenarioResult r) =>
        r.Generator.ScheduleLagP99Us > ScheduleLagLimitUs && r.LatencyUs.P99 > 0
            && r.Generator.ScheduleLagP99Us >= ScheduleLagShareLimit * r.LatencyUs.P99
            ? (double)r.Generator.ScheduleLagP99Us / r.LatencyUs.P99
            : null;

    /// <summary>Each second's latency by intended time, as results.json keeps it.</summary>
    public static List<SecondLatency> BySecond(RunRecorder recorder) =>
        [.. recorder.LatencyBySecond().Select(s => new SecondLatency(s.Second, s.Latency.TotalCount,
            HistogramCodec.ValueAtPercentile(s.Latency, 50), HistogramCodec.ValueAtPercentile(s.Latency, 99),
            HistogramCodec.Encode(s.Latency)))];

    private static IEnumerable<RunWarning> Warnings(ScenarioResult r, LoadOutcome outcome)
    {
        if (outcome.Cancelled)
        {
            yield return WarningKinds.Cancelled.Of();
        }

        if (r.Counts.Rejected > 0)
        {
            yield return WarningKinds.PublishesRefused.Of(r.Counts.Rejected, r.Throughput.AchievedPerSec, r.Throughput.OfferedPerSec);
        }
        else if (!outcome.Cancelled && r.Throughput.AchievedPerSec < AchievedTolerance * r.Throughput.OfferedPerSec)
        {
            yield return WarningKinds.RateNotReached.Achieved(r.Throughput.AchievedPerSec, r.Throughput.OfferedPerSec);
        }

        if (GeneratorLateShare(r) is { } share)
        {
            yield return WarningKinds.GeneratorLate.Of(r.Generator.ScheduleLagP99Us, r.LatencyUs.P99, share);
        }

        if (r.Generator.DroppedIterations > 0)
        {
            yield return WarningKinds.IterationsDropped.Of(r.Generator.DroppedIterations);
        }

        if (r.Generator.CpuPercent > GeneratorCpuLimitPercent)
        {
            yield return WarningKinds.GeneratorSaturated.Of(r.Generator.CpuPercent);
        }

        if (outcome.Load.DrainTimedOut)
        {
            yield return WarningKinds.RequestsInFlight.Of();
        }

        if (outcome.DrainTimedOut)
        {
            yield return WarningKinds.DrainIncomplete.Of();
        }

        if (r.Counts.Lost > 0 || r.Counts.Duplicated > 0)
        {
            yield return WarningKinds.NotExactlyOnce.Of(r.Counts.Lost, r.Counts.Duplicated);
        }

        if (r.Counts.Errors > 0)
        {
            yield return WarningKinds.Errors.Of(r.Counts.Errors, r.ErrorsByKind);
        }
    }

    private static double Round(double v) => Math.Round(v, 2);
}
