using Bench.Reports.Model;

namespace Bench.Harness.Scenarios.Push;

/// <summary>
/// A transport whose system may publish on its own (a target file with <c>source: server</c>): its push case is then
/// measured by subscribing only, and runs whole here instead of through Bench's publisher.
/// </summary>
public interface ISelfPublishingTarget
{
    /// <summary>Whether the system emits its events itself; false for a target Bench publishes to.</summary>
    bool PublishesItself { get; }

    /// <summary>Runs the push case by subscribing only (asked when <see cref="PublishesItself"/> is true).</summary>
    Task<ScenarioResult> RunSubscribedAsync(ScenarioContext context, CancellationToken ct);
}
