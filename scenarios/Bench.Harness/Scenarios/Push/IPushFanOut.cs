using Bench.Harness.Clients;
using Bench.Harness.Targets;
using Bench.Reports.Warnings;

namespace Bench.Harness.Scenarios.Push;

/// <summary>The delivery leg of a push run: a target process and the subscribers it delivers to.</summary>
public interface IPushFanOut : IAsyncDisposable
{
    ITargetHandle Target { get; }

    /// <summary>Opens the publishing side: what makes this target emit events.</summary>
    Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct);

    /// <summary>Failures the target and subscribers counted themselves (queue overflows, failed deliveries), by kind.</summary>
    Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct);

    IEnumerable<RunWarning> Warnings();

    /// <summary>
    /// The delivery guarantee of this fan-out's setup, as production would have it (the transport's, unless a variant
    /// changes it), with the topology where it matters (one origin per webhook endpoint).
    /// </summary>
    string? Guarantee => null;
}
