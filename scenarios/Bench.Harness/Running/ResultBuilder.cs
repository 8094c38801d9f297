using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Plan;
using Bench.Reports.Histograms;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

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
        IEnumerable<string> extraWarnings)
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

    private static IEnumerable<string> Warnings(ScenarioResult r, LoadOutcome outcome)
    {
        var inv = CultureInfo.InvariantCulture;
        if (outcome.Cancelled)
        {
            yield return "cancelled before the measured window ended: figures cover only part of it.";
        }

        if (r.Counts.Rejected > 0)
        {
            yield return string.Create(inv, $"{r.Counts.Rejected:N0} publishes were refused while the target was down; achieved " +
                $"({r.Throughput.AchievedPerSec:N1}/s of {r.Throughput.OfferedPerSec:N1}/s) counts only what it accepted.");
        }
        else if (!outcome.Cancelled && r.Throughput.AchievedPerSec < AchievedTolerance * r.Throughput.OfferedPerSec)
        {
            yield return string.Create(inv, $"offered load not achieved: {r.Throughput.AchievedPerSec:N1}/s of " +
                $"{r.Throughput.OfferedPerSec:N1}/s ({100 * r.Throughput.AchievedPerSec / r.Throughput.OfferedPerSec:0.0} %). The " +
                $"figures describe an overloaded system, not the offered rate.");
        }

        if (GeneratorLateShare(r) is { } share)
        {
            yield return string.Create(inv, $"the generator ran late: schedule lag p99 " +
                $"{Formats.Milliseconds(r.Generator.ScheduleLagP99Us)}, {share * 100:0} % of this case's latency p99 " +
                $"({Formats.Milliseconds(r.LatencyUs.P99)}). Latency counts from the intended time, so up to that much of the tail is " +
                $"the generator's, not the transport's.");
        }

        if (r.Generator.DroppedIterations > 0)
        {
            yield return string.Create(inv, $"{r.Generator.DroppedIterations:N0} iterations were dropped because every connection was " +
                $"busy and the backlog was full.");
        }

        if (r.Generator.CpuPercent > GeneratorCpuLimitPercent)
        {
            yield return string.Create(inv, $"the generator used {r.Generator.CpuPercent:0} % of the machine's CPU: it was likely " +
                $"saturated and may be what limits these figures.");
        }

        if (outcome.Load.DrainTimedOut)
        {
            yield return "requests were still in flight when the load's drain timeout ended.";
        }

        if (outcome.DrainTimedOut)
        {
            yield return "the drain period ended before every published event had arrived at every subscriber.";
        }

        if (r.Counts.Lost > 0 || r.Counts.Duplicated > 0)
        {
            yield return string.Create(inv, $"events not delivered exactly once: {r.Counts.Lost:N0} lost, " +
                $"{r.Counts.Duplicated:N0} duplicated.");
        }

        if (r.Counts.Errors > 0)
        {
            var kinds = string.Join(", ", r.ErrorsByKind.OrderByDescending(kv => kv.Value).Take(3).Select(kv => string.Create(inv,
                $"{kv.Key} × {kv.Value:N0}")));
            yield return string.Create(inv, $"{r.Counts.Errors:N0} errors: {kinds}{(r.ErrorsByKind.Count > 3 ? ", …" : "")}.");
        }
    }

    private static double Round(double v) => Math.Round(v, 2);
}
