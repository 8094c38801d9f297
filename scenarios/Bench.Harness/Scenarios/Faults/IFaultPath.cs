using Bench.Harness.Targets;

namespace Bench.Harness.Scenarios.Faults;

/// <summary>
/// The delivery leg of a fault run: a target that can be restarted, a fault proxy in front of the subscribers, and the subscribers.
/// </summary>
public interface IFaultPath : IAsyncDisposable
{
    ITargetHandle Target { get; }

    /// <summary>The fault proxy between the target and the subscribers, a process of its own.</summary>
    IFaultProxy Proxy { get; }

    /// <summary>Opens the publishing side: what makes this target emit events.</summary>
    Task<Clients.IEventPublisher> ConnectPublisherAsync(Clients.Payloads payloads, CancellationToken ct);

    /// <summary>When any subscriber noticed a disconnect (timestamps).</summary>
    IEnumerable<long> Detections { get; }

    long ReconnectAttempts { get; }

    /// <summary>Kills the target, waits, starts it again and puts back what a restart loses that is configuration, not data.</summary>
    Task RestartAsync(TimeSpan down, CancellationToken ct);

    /// <summary>Reads the target's counters (after a restart: the new process's, plus what was saved before the kill).</summary>
    Task<PathCounters> CountersAsync(CancellationToken ct);

    /// <summary>One sentence: how this transport and variant behave under faults.</summary>
    string Behaviour { get; }

    /// <summary>The delivery guarantee of this variant's setup, when it differs from the transport's own; the default is null.</summary>
    string? Guarantee => null;

    /// <summary>
    /// A reconnect storm: by default the target restarts under every subscriber (they all reconnect at once); a path
    /// whose subscribers are the servers (webhooks) takes them away instead, and they come back to a backlog.
    /// </summary>
    Task StormAsync(TimeSpan down, CancellationToken ct) => RestartAsync(down, ct);

    /// <summary>
    /// What a storm watches, read now: subscribers the target holds (<c>connected</c>), or deliveries waiting at the
    /// dispatcher (<c>pending</c>); and reconnect attempts (or retries) so far. A target that cannot answer (down) holds none.
    /// </summary>
    Task<(string Watched, long Value, long Attempts)> StormSampleAsync(CancellationToken ct);

    /// <summary>
    /// Redeliveries the subscribers answered without processing again (webhook receivers de-duplicate): duplicates all the same.
    /// </summary>
    long SilentDuplicates => 0;
}

/// <summary>
/// What the target counted: retries, deliveries pending, its first failure, errors by kind; for the hub, the events it
/// knew it could not deliver, and the events published while subscribers were away (from its sequence numbers at each
/// reconnection and each subscriber's last sequence number before it lost its connection).
/// </summary>
public sealed record PathCounters(
    long Retries,
    long Pending,
    long FirstFailureTimestamp,
    Dictionary<string, long> Errors,
    long? KnownUndelivered,
    long? PublishedWhileAway = null,
    long? PendingAtKill = null);
