using Bench.Scenarios.Targets;

namespace Bench.Scenarios.Scenarios.Push;

/// <summary>The delivery leg of a push run: a target process and the subscribers it delivers to.</summary>
public interface IPushFanOut : IAsyncDisposable
{
    TargetProcess Target { get; }

    /// <summary>Failures the target and subscribers counted themselves (queue overflows, failed deliveries), by kind.</summary>
    Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct);

    IEnumerable<string> Warnings();
}
