namespace Bench.Harness.Clients;

/// <summary>
/// Exponential backoff with jitter between reconnect attempts: min·factor^attempt, capped at max, ± jitter. A client
/// keeps its place in the schedule across connections that fail young (<see cref="ReconnectBackoff"/>), so a server
/// that accepts and drops at once is retried no faster than the cap allows.
/// </summary>
public sealed record ReconnectPolicy(TimeSpan Min, TimeSpan Max, double Factor, double Jitter)
{
    /// <summary>100 ms doubling to 2 s, ± 20 %; back to 100 ms after 5 s of health.</summary>
    public static readonly ReconnectPolicy Default = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), 2, 0.2);

    /// <summary>
    /// How long a connection must stay up before the schedule starts again from <see cref="Min"/> (delivering an event
    /// restarts it too). The default is 5 seconds.
    /// </summary>
    public TimeSpan HealthyAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before attempt <paramref name="attempt"/> (0-based): never negative, never beyond max plus its jitter.</summary>
    public TimeSpan Delay(int attempt, Random random)
    {
        var baseMs = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(Factor, Math.Max(0, attempt)));
        var jitter = Math.Clamp(Jitter, 0, 1);
        var jittered = baseMs * (1 + (jitter * ((random.NextDouble() * 2) - 1)));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }

    /// <summary>
    /// A wait the server asked for (SSE's <c>retry:</c>), bounded by <see cref="Max"/>: a hostile or mistaken server
    /// can neither stall a run nor overflow a timer, as EventSource implementations bound it too.
    /// </summary>
    public TimeSpan Bounded(TimeSpan requested) => requested < TimeSpan.Zero ? TimeSpan.Zero : requested > Max ? Max : requested;
}

/// <summary>
/// One client's place in its <see cref="ReconnectPolicy"/>: the failures since its last healthy connection. A
/// connection that the server accepts and drops at once does not reset it; one that stays up for the policy's
/// <see cref="ReconnectPolicy.HealthyAfter"/>, or delivers an event, does. Safe to call from several threads.
/// </summary>
public sealed class ReconnectBackoff(ReconnectPolicy policy, TimeProvider clock)
{
    private readonly Random random = new();
    private readonly Lock gate = new();
    private int failures;
    private long connectedAt;

    public ReconnectPolicy Policy => policy;

    /// <summary>The attempts since the last healthy connection.</summary>
    public int Failures => Volatile.Read(ref failures);

    /// <summary>The wait before the next attempt; each call counts one failure.</summary>
    public TimeSpan NextDelay()
    {
        lock (gate)
        {
            var delay = policy.Delay(failures, random);
            failures = failures == int.MaxValue ? failures : failures + 1;
            return delay;
        }
    }

    /// <summary>A connection was made (or a reconnect succeeded).</summary>
    public void Connected() => Interlocked.Exchange(ref connectedAt, clock.GetTimestamp());

    /// <summary>An event arrived: the connection is healthy, the schedule starts again.</summary>
    public void Delivered()
    {
        if (Volatile.Read(ref failures) != 0)
        {
            Interlocked.Exchange(ref failures, 0);
        }
    }

    /// <summary>The connection ended: the schedule starts again only if it had been up for the healthy time.</summary>
    public void Disconnected()
    {
        var since = Interlocked.Exchange(ref connectedAt, 0);
        if (since != 0 && clock.GetElapsedTime(since) >= policy.HealthyAfter)
        {
            Interlocked.Exchange(ref failures, 0);
        }
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

    /// <summary>
    /// The run's variant; a transport's client reads its own features from it (SignalR: <c>messagepack</c>). The default is <c>default</c>.
    /// </summary>
    public string Variant { get; init; } = Plan.VariantName.Default;

    /// <summary>How the subscriber backs off between reconnect attempts. The default is <see cref="ReconnectPolicy.Default"/>.</summary>
    public ReconnectPolicy Backoff { get; init; } = ReconnectPolicy.Default;

    /// <summary>How often the client pings; zero leaves it to the hub's pings. The default is 1 second.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a ping may go unanswered before the connection counts as dead. The default is 2 seconds.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How the connection is made (TLS, compression, counting); null is a plain connection. The default is null.</summary>
    public DeliveryWire? Wire { get; init; }

    /// <summary>
    /// The local address to connect from (to spread connections over 127.0.0.0/8); null lets the OS choose. The default is null.
    /// </summary>
    public System.Net.IPAddress? Source { get; init; }

    /// <summary>Time spent processing each message, asked per message (the slow fault). The default is none.</summary>
    public Func<TimeSpan>? ProcessingTime { get; init; }
}
