using Bench.Engine.Recording;

namespace Bench.Harness.Clients;

/// <summary>
/// How the harness makes a target emit events: Bench's own <c>/publish</c> WebSocket for the reference targets, an
/// HTTP request per event for a target file. Every implementation counts what the target accepted (loss is counted
/// against it) and what it refused.
/// </summary>
public interface IEventPublisher : IAsyncDisposable
{
    /// <summary>Publishes event <paramref name="number"/>, intended at <paramref name="intendedTimestamp"/>.</summary>
    ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct);

    /// <summary>The numbers of the events the target accepted.</summary>
    SequenceSet Accepted();

    long AcceptedCount { get; }

    /// <summary>Publishes the target could not take (it was down, or refused).</summary>
    long Rejected { get; }

    /// <summary>When the first publish was refused (a timestamp), or 0.</summary>
    long FirstRejectionTimestamp { get; }
}
