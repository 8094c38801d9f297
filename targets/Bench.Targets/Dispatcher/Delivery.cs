namespace Bench.Targets.Dispatcher;

/// <summary>One event owed to one endpoint: what the outbox stores until a 2xx clears it.</summary>
public sealed record Delivery(long Id, string Stream, long EventNumber, long Seq, long IntendedTimestamp, byte[] Payload)
{
    /// <summary>Attempts made so far.</summary>
    public int Attempt { get; set; }
}

/// <summary>A registered endpoint as the outbox keeps it, so a restarted dispatcher knows where to deliver.</summary>
public sealed record EndpointRecord(string Stream, string Url, string Secret);
