using Bench.Targets.Faults;

namespace Bench.Harness.Scenarios.Faults;

/// <summary>
/// One run's side of a fault: the subscribers it affects, the toxics the fault proxy carries outside the fault, the
/// run's clock, and whether a fault the subscribers act out (slow, overload) is on now.
/// </summary>
public sealed class FaultInjection(IReadOnlyList<string> affected, Toxics baseline, TimeProvider clock)
{
    private volatile bool on;

    /// <summary>The subscribers the fault affects (<see cref="Fault.Affected"/>).</summary>
    public IReadOnlyList<string> Affected => affected;

    /// <summary>The proxy's toxics outside the fault (over the wan variant, its latency and jitter); a fault comes on top.</summary>
    public Toxics Baseline => baseline;

    public TimeProvider Clock => clock;

    /// <summary>True while a fault the subscribers act out lasts; they read it at every event.</summary>
    public bool On => on;

    /// <summary>Turns the subscribers' side of the fault on for <paramref name="duration"/>, then off.</summary>
    public async Task HoldAsync(TimeSpan duration, CancellationToken ct)
    {
        on = true;
        await Task.Delay(duration, clock, ct).ConfigureAwait(false);
        on = false;
    }
}
