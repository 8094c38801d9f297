namespace Bench.Scenarios.Clients;

/// <summary>Exponential backoff with jitter between reconnect attempts: min·factor^attempt, capped at max, ± jitter.</summary>
public sealed record ReconnectPolicy(TimeSpan Min, TimeSpan Max, double Factor, double Jitter)
{
    /// <summary>100 ms doubling to 2 s, ± 20 %.</summary>
    public static readonly ReconnectPolicy Default = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), 2, 0.2);

    public TimeSpan Delay(int attempt, Random random)
    {
        var baseMs = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(Factor, Math.Max(0, attempt)));
        var jittered = baseMs * (1 + (Jitter * ((random.NextDouble() * 2) - 1)));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}

/// <summary>How a subscriber (of any transport) connects, keeps its connection alive, and behaves when it dies.</summary>
public sealed record SubscriberOptions
{
    /// <summary>Reconnect after a disconnect. The default is true.</summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>
    /// Resume after a disconnect: WebSocket and SSE ask the hub to replay what followed the last sequence number received
    /// (<c>resumeFrom</c>, <c>Last-Event-ID</c>); SignalR reconnects statefully. The default is false.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Where Bench's envelope is in each message (a target file's <c>envelope.json</c>); null for Bench's own targets,
    /// which send the envelope as the whole message. With a path, arrivals are accounted under the subscriber's own
    /// name, as every subscriber of a target file's run shares one stream. The default is null.
    /// </summary>
    public TargetFiles.EnvelopePath? Envelope { get; init; }

    /// <summary>The run's variant; a transport's client reads its own features from it (SignalR: <c>messagepack</c>). The default is <c>default</c>.</summary>
    public string Variant { get; init; } = Plan.VariantName.Default;

    public ReconnectPolicy Backoff { get; init; } = ReconnectPolicy.Default;

    /// <summary>How often the client pings; zero leaves it to the hub's pings. The default is 1 second.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a ping may go unanswered before the connection counts as dead. The default is 2 seconds.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How the connection is made (TLS, compression, counting); null is a plain connection. The default is null.</summary>
    public DeliveryWire? Wire { get; init; }

    /// <summary>The local address to connect from (to spread connections over 127.0.0.0/8); null lets the OS choose. The default is null.</summary>
    public System.Net.IPAddress? Source { get; init; }

    /// <summary>Time spent processing each message, asked per message (the slow fault). The default is none.</summary>
    public Func<TimeSpan>? ProcessingTime { get; init; }
}
