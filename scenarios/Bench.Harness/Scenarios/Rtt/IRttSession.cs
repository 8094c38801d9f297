using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.Targets;

namespace Bench.Harness.Scenarios.Rtt;

/// <summary>The target and the open connections of one rtt run (also a saturation search's): one exchange per iteration.</summary>
public interface IRttSession : IAsyncDisposable
{
    ITargetHandle Target { get; }

    /// <summary>Sends iteration <paramref name="iteration"/>'s request on its virtual user's connection and waits for the answer.</summary>
    ValueTask ExchangeAsync(IterationContext iteration, Payloads payload, CancellationToken ct);
}
