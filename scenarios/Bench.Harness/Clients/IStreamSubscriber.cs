namespace Bench.Harness.Clients;

/// <summary>
/// One subscriber of one stream on the hub, whatever the transport (WebSocket, SSE, SignalR): it hands every event to
/// the accounting and, when its connection dies, notes when it noticed and what it had last, and reconnects as its
/// transport's clients do.
/// </summary>
public interface IStreamSubscriber : IAsyncDisposable
{
    string Stream { get; }

    /// <summary>Set when the subscriber stopped for good with an error (reconnection off).</summary>
    Exception? Failure { get; }

    /// <summary>Reconnect attempts made, successful or not.</summary>
    int ReconnectAttempts { get; }

    /// <summary>When the subscriber noticed each disconnect (timestamps).</summary>
    IReadOnlyList<long> Detections { get; }

    /// <summary>The last sequence number received before each disconnect.</summary>
    IReadOnlyList<long> LastSeqAtDisconnect { get; }

    /// <summary>Starts receiving into <paramref name="accounting"/>.</summary>
    void Start(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes);
}

/// <summary>
/// A subscriber that can say why a message it received was not an event (a target file's <c>envelope.json</c> not
/// finding Bench's envelope in it): the preflight and a push run name that field with it.
/// </summary>
public interface IUnreadableMessages
{
    /// <summary>Why the last message could not be read as an event, or null.</summary>
    string? LastUnreadable { get; }
}

/// <summary>Opens one subscriber of a stream on a hub URL with a token: a transport's connect function.</summary>
public delegate Task<IStreamSubscriber> ConnectSubscriber(string hubUrl, string token, string stream,
    SubscriberOptions options, CancellationToken ct);

/// <summary>A subscriber's record of its disconnections, shared by every transport's client.</summary>
public sealed class DisconnectLog
{
    private readonly List<long> detections = [];
    private readonly List<long> lastSeqs = [];
    private int attempts;

    public int ReconnectAttempts => Volatile.Read(ref attempts);

    public IReadOnlyList<long> Detections
    {
        get
        {
            lock (detections)
            {
                return [.. detections];
            }
        }
    }

    public IReadOnlyList<long> LastSeqAtDisconnect
    {
        get
        {
            lock (detections)
            {
                return [.. lastSeqs];
            }
        }
    }

    public void Disconnected(long at, long lastSeq)
    {
        lock (detections)
        {
            detections.Add(at);
            lastSeqs.Add(lastSeq);
        }
    }

    public void Attempted() => Interlocked.Increment(ref attempts);
}
