using Bench.Engine.Load;
using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;

namespace Bench.Sdk;

/// <summary>
/// A load scenario written in C#, in NBomber's shape: an async step run at the rate its load simulations say, with a
/// warm-up excluded from the results. Two kinds:
/// <list type="bullet">
/// <item><see cref="Create"/>: request/response. A step that completes is one delivery, its latency measured from the
/// step's intended start (so a late generator or a slow server both show).</item>
/// <item><see cref="CreatePush"/>: the step publishes event <see cref="StepContext.Number"/>; subscribers report its
/// arrivals with <see cref="PushSubscribers.Delivered"/>, and every event is accounted for at every subscriber.</item>
/// <item><see cref="Push"/>: no step to write — Bench's own push over a reference transport (<c>sse</c>, …), run as
/// <c>bench run push --transport sse</c> runs it: its reference target, clients, accounting and result builder.</item>
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

    /// <summary>What the report calls the system measured (its "transport" column), a word. The default is <c>custom</c>.</summary>
    public string Target { get; init; } = "custom";

    public Func<StepContext, Task> Step { get; }

    /// <summary>0 for a request/response scenario; else the subscribers each published event is owed to.</summary>
    public int Subscribers { get; }

    public IReadOnlyList<LoadSimulation> Simulations { get; init; } = [Simulation.Inject(10, TimeSpan.FromSeconds(10))];

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Steps that may run at once (open model: beyond it, steps wait, and their wait counts in latency). The default is
    /// 64.
    /// </summary>
    public int VirtualUsers { get; init; } = 64;

    /// <summary>Push: how long to wait after the load for the last deliveries. The default is 5 seconds.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Run once before the load (connect subscribers, open a publisher); given the push accounting, or null.</summary>
    public Func<PushSubscribers?, CancellationToken, Task>? Init { get; init; }

    /// <summary>Run once after the load, even when it failed.</summary>
    public Func<Task>? Clean { get; init; }

    /// <summary>The reference transport Bench pushes over (<see cref="Push"/>), or null for a scenario with a step of its own.</summary>
    public string? Transport { get; private init; }

    /// <summary>Reference push: the payload bytes of each event. The default is bench run push's (256).</summary>
    public int? PayloadBytes { get; init; }

    /// <summary>
    /// Reference push: how long to run on at half the rate after the measured window, so CPU per delivery is a
    /// marginal cost. The default is bench run's (5 seconds); zero turns it off.
    /// </summary>
    public TimeSpan? CostProbe { get; init; }

    /// <summary>
    /// Bench's push over a reference transport: <paramref name="rate"/> events a second for <paramref name="duration"/>
    /// (after <see cref="WarmUp"/>), each delivered to every one of <paramref name="subscribers"/> — the path of
    /// <c>bench run push --transport TRANSPORT</c>. The reference target runs as <c>bench serve</c>, found beside the app.
    /// </summary>
    public static BenchScenario Push(string transport, int subscribers, double rate, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transport);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(subscribers);
        return new("push", NoStep, subscribers)
        {
            Transport = transport.ToLowerInvariant(),
            Target = transport.ToLowerInvariant(),
            Simulations = [Simulation.Inject(rate, duration)],
        };
    }

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

    public BenchScenario WithPayload(int bytes) => this with { PayloadBytes = bytes };

    public BenchScenario WithCostProbe(TimeSpan duration) => this with { CostProbe = duration };

    /// <summary>Why this scenario cannot run, or null.</summary>
    internal string? Problem() =>
        Simulation.Validate(Simulations)
        ?? (WarmUp < TimeSpan.Zero ? "the warm-up cannot be negative"
            : VirtualUsers <= 0 ? "virtual users must be at least 1"
            : null)
        ?? (Transport is null ? TargetProblem() : ReferenceProblem());

    /// <summary>The target's name becomes part of chart and log file names: a word, as a transport's name is.</summary>
    private string? TargetProblem() => Bench.Reports.Json.ResultsValidator.SafeName(Target)
        ? null
        : $"the target '{Target}' must be a name that can be part of a file name (letters, digits and . _ + , = @ -, no spaces)";

    /// <summary>The plan of <c>bench run push --transport TRANSPORT</c> with this scenario's load.</summary>
    internal RunPlan ReferencePlan() => new()
    {
        Scenarios = [ScenarioCatalog.Find("push")!],
        Transports = TransportCatalog.Named(Transport!),
        Profile = Profile.Quick,
        Variants = [VariantName.Default],
        Duration = Simulations[0].During,
        Warmup = WarmUp,
        RatePerSec = ((Inject)Simulations[0]).RatePerSec,
        Subscribers = Subscribers,
        PayloadBytes = PayloadBytes,
        CostProbe = CostProbe,
        CommandLine = Environment.CommandLine,
    };

    private string? ReferenceProblem()
    {
        if (TransportCatalog.Find(Transport!) is null)
        {
            return $"unknown transport '{Transport}'; valid transports: {string.Join(", ", TransportCatalog.All.Select(t => t.Name))}";
        }

        if (Simulations is not [Inject])
        {
            return "a reference transport is pushed to at one rate: give it to Push(rate:, duration:), not to WithLoadSimulations";
        }

        return CostProbe < TimeSpan.Zero ? "the cost probe cannot be negative" : ReferencePlan().Validate().FirstOrDefault();
    }

    private static Task NoStep(StepContext step) =>
        throw new InvalidOperationException("a push over a reference transport has no step of its own: Bench publishes");
}
