using Bench.Reports.Metrics;

namespace Bench.Reports.Warnings;

/// <summary><c>cancelled</c>: the run was stopped before the measured window ended.</summary>
public sealed class CancelledWarning() : WarningKind("cancelled")
{
    public RunWarning Of() => Warn("cancelled before the measured window ended: figures cover only part of it.");
}

/// <summary><c>publishes-refused</c>: publishes the target refused while it was down (effect: publishes).</summary>
public sealed class PublishesRefusedWarning() : WarningKind("publishes-refused", "publishes")
{
    public RunWarning Of(long rejected, double achievedPerSec, double offeredPerSec) => Warn(
        Inv($"{rejected:N0} publishes were refused while the target was down; achieved ({achievedPerSec:N1}/s of ")
            + Inv($"{offeredPerSec:N1}/s) counts only what it accepted."),
        rejected);
}

/// <summary><c>rate-not-reached</c>: less load was offered than asked for (effect: % of the offered load reached).</summary>
public sealed class RateNotReachedWarning() : WarningKind("rate-not-reached", "% of offered")
{
    /// <summary>A case whose achieved rate fell short of the offered rate.</summary>
    public RunWarning Achieved(double achievedPerSec, double offeredPerSec)
    {
        var percent = 100 * achievedPerSec / offeredPerSec;
        return Warn(
            Inv($"offered load not achieved: {achievedPerSec:N1}/s of {offeredPerSec:N1}/s ({percent:0.0} %). The figures ")
                + "describe an overloaded system, not the offered rate.",
            Math.Round(percent, 2));
    }

    /// <summary>Interleaved blocks that sent fewer events than their rate and length call for.</summary>
    public RunWarning Blocks(long sent, double expected)
    {
        var percent = sent / expected * 100;
        return Warn(Inv($"the offered load was not reached: {sent:N0} of {expected:N0} sends in the full-rate blocks ({percent:0.#} %)"),
            Math.Round(percent, 2));
    }
}

/// <summary><c>generator-late</c>: the generator's schedule lag is a share of the case's p99 (effect: % of p99).</summary>
public sealed class GeneratorLateWarning() : WarningKind("generator-late", "% of p99")
{
    public RunWarning Of(long scheduleLagP99Us, long latencyP99Us, double share) => Warn(
        Inv($"the generator ran late: schedule lag p99 {Formats.Milliseconds(scheduleLagP99Us)}, {share * 100:0} % of this case's ")
            + Inv($"latency p99 ({Formats.Milliseconds(latencyP99Us)}). Latency counts from the intended time, so up to that much ")
            + "of the tail is the generator's, not the transport's.",
        Math.Round(share * 100, 2));
}

/// <summary><c>iterations-dropped</c>: iterations the closed model could not start (effect: iterations).</summary>
public sealed class IterationsDroppedWarning() : WarningKind("iterations-dropped", "iterations")
{
    public RunWarning Of(long dropped) => Warn(
        Inv($"{dropped:N0} iterations were dropped because every connection was busy and the backlog was full."), dropped);
}

/// <summary><c>generator-saturated</c>: the generator used most of the machine's CPU (effect: % of the machine's CPU).</summary>
public sealed class GeneratorSaturatedWarning() : WarningKind("generator-saturated", "% CPU")
{
    public RunWarning Of(double cpuPercent) => Warn(
        Inv($"the generator used {cpuPercent:0} % of the machine's CPU: it was likely saturated and may be what limits these figures."),
        cpuPercent);
}

/// <summary><c>requests-in-flight</c>: the load's drain timeout ended with requests outstanding.</summary>
public sealed class RequestsInFlightWarning() : WarningKind("requests-in-flight")
{
    public RunWarning Of() => Warn("requests were still in flight when the load's drain timeout ended.");
}

/// <summary><c>drain-incomplete</c>: the drain ended before every event had arrived.</summary>
public sealed class DrainIncompleteWarning() : WarningKind("drain-incomplete")
{
    public RunWarning Of() => Warn("the drain period ended before every published event had arrived at every subscriber.");
}
