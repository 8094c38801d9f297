namespace Bench.Targets.Dispatcher;

/// <summary>One event owed to one endpoint: what the outbox stores until a 2xx clears it.</summary>
public sealed record Delivery(long Id, string Stream, long EventNumber, long Seq, long IntendedTimestamp, byte[] Payload)
{
    /// <summary>Attempts made so far.</summary>
    public int Attempt { get; set; }

    /// <summary>
    /// The <c>webhook-id</c> sent with every attempt of this delivery: unique to it (one event sent to two endpoints is
    /// two messages), and across restarts of the dispatcher. Empty for a delivery an older outbox kept without one.
    /// </summary>
    public string WebhookId { get; init; } = "";
}

/// <summary>A registered endpoint as the outbox keeps it, so a restarted dispatcher knows where to deliver.</summary>
public sealed record EndpointRecord(string Stream, string Url, string Secret);
