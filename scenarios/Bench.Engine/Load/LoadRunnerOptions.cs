using Bench.Engine.Timing;

namespace Bench.Engine.Load;

/// <summary>How a <see cref="LoadRunner"/> drives its iterations.</summary>
public sealed record LoadRunnerOptions
{
    /// <summary>The phases, run one after another.</summary>
    public required IReadOnlyList<LoadSimulation> Simulations { get; init; }

    /// <summary>Virtual users: how many iterations of an open-model phase may be in flight at once. The default is 1.</summary>
    public int VirtualUsers { get; init; } = 1;

    /// <summary>
    /// Iterations that may wait for a free virtual user; beyond this they are dropped and counted. Waiting time counts
    /// in latency, because latency runs from the intended time. The default is 100,000.
    /// </summary>
    public int MaxBacklog { get; init; } = 100_000;

    /// <summary>How long to wait for in-flight iterations after the last phase. The default is 10 seconds.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The number of the first iteration; later ones count up from it. The default is 1.</summary>
    public long FirstNumber { get; init; } = 1;

    /// <summary>
    /// How far after the recorder's start the schedule begins (an agent's share of a rate, interleaved with the other
    /// agents' shares). The default is none.
    /// </summary>
    public TimeSpan ScheduleOffset { get; init; }

    /// <summary>The clock. The default is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// How an iteration is started once its intended time has come. The default queues it to the thread pool, so the
    /// scheduler thread only keeps time and a slow iteration cannot delay the next one; tests start them inline.
    /// </summary>
    public Action<Action>? Dispatch { get; init; }

    /// <summary>
    /// How the scheduler waits for intended times. The default is a <see cref="PrecisePacer"/> on
    /// <see cref="TimeProvider"/>.
    /// </summary>
    public IPacer? Pacer { get; init; }
}
