using Bench.Engine.Load;

namespace Bench.Sdk;

/// <summary>
/// A load scenario written in C#, in NBomber's shape: an async step run at the rate its load simulations say, with a
/// warm-up excluded from the results. Two kinds:
/// <list type="bullet">
/// <item><see cref="Create"/>: request/response. A step that completes is one delivery, its latency measured from the
/// step's intended start (so a late generator or a slow server both show).</item>
/// <item><see cref="CreatePush"/>: the step publishes event <see cref="StepContext.Number"/>; subscribers report its
/// arrivals with <see cref="PushSubscribers.Delivered"/>, and every event is accounted for at every subscriber.</item>
/// </list>
/// Immutable: each <c>With…</c> returns a changed copy.
/// </summary>
public sealed record BenchScenario
{
    private BenchScenario(string name, Func<StepContext, Task> step, int subscribers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Step = step;
        Subscribers = subscribers;
    }

    public string Name { get; }

    /// <summary>What the report calls the system measured (its "transport" column). The default is <c>custom</c>.</summary>
    public string Target { get; init; } = "custom";

    public Func<StepContext, Task> Step { get; }

    /// <summary>0 for a request/response scenario; else the subscribers each published event is owed to.</summary>
    public int Subscribers { get; }

    public IReadOnlyList<LoadSimulation> Simulations { get; init; } = [Simulation.Inject(10, TimeSpan.FromSeconds(10))];

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Steps that may run at once (open model: beyond it, steps wait, and their wait counts in latency). The default is 64.</summary>
    public int VirtualUsers { get; init; } = 64;

    /// <summary>Push: how long to wait after the load for the last deliveries. The default is 5 seconds.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Run once before the load (connect subscribers, open a publisher); given the push accounting, or null.</summary>
    public Func<PushSubscribers?, CancellationToken, Task>? Init { get; init; }

    /// <summary>Run once after the load, even when it failed.</summary>
    public Func<Task>? Clean { get; init; }

    /// <summary>A request/response scenario: each completed step is one delivery.</summary>
    public static BenchScenario Create(string name, Func<StepContext, Task> step) => new(name, step, 0);

    /// <summary>A push scenario: each step publishes one event owed to each of <paramref name="subscribers"/>.</summary>
    public static BenchScenario CreatePush(string name, Func<StepContext, Task> publish, int subscribers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(subscribers);
        return new(name, publish, subscribers);
    }

    public BenchScenario WithLoadSimulations(params LoadSimulation[] simulations) => this with { Simulations = simulations };

    public BenchScenario WithWarmUp(TimeSpan duration) => this with { WarmUp = duration };

    public BenchScenario WithVirtualUsers(int users) => this with { VirtualUsers = users };

    public BenchScenario WithTarget(string name) => this with { Target = name };

    public BenchScenario WithInit(Func<PushSubscribers?, CancellationToken, Task> init) => this with { Init = init };

    public BenchScenario WithClean(Func<Task> clean) => this with { Clean = clean };

    public BenchScenario WithDrain(TimeSpan drain) => this with { Drain = drain };

    /// <summary>Why this scenario cannot run, or null.</summary>
    internal string? Problem() =>
        Simulation.Validate(Simulations) ?? (WarmUp < TimeSpan.Zero ? "the warm-up cannot be negative" : VirtualUsers <= 0 ? "virtual users must be at least 1" : null);
}
