namespace Bench.Harness.Serving;

/// <summary>What <c>bench serve</c> was asked for, as given (null: not given, the server's default).</summary>
public sealed record ServeRequest(string Role)
{
    public IReadOnlyList<string>? Urls { get; init; }

    public string? Token { get; init; }

    public string? Secret { get; init; }

    public int? MaxMessageBytes { get; init; }

    public int? MaxBodyBytes { get; init; }

    public TimeSpan? DeliveryTimeout { get; init; }

    public string? Outbox { get; init; }

    public string? EndpointsFile { get; init; }

    /// <summary>Hub: the durable replay log (SQLite); null keeps replay buffers in memory only.</summary>
    public string? ReplayLog { get; init; }

    public int? MaxInFlight { get; init; }

    public double? RetryTimeScale { get; init; }

    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    public bool Tls { get; init; }

    public bool AllowCompression { get; init; }

    public TimeSpan? KeepAlive { get; init; }

    public bool Gzip { get; init; }

    public bool Cold { get; init; }

    public string? TrustPin { get; init; }

    public int? MaxDecompressedBytes { get; init; }

    public TimeSpan? InjectDelay { get; init; }

    /// <summary>Test only: a wait without CPU before each delivery, echo or answer (<c>--inject-wait</c>).</summary>
    public TimeSpan? InjectWait { get; init; }

    /// <summary>Both slowdown knobs, as the targets apply them.</summary>
    public Bench.Targets.Hosting.InjectedDelay Injected => new(InjectDelay ?? TimeSpan.Zero, InjectWait ?? TimeSpan.Zero);

    /// <summary>Hub: also serve gRPC on this loopback port (HTTP/2 cleartext; 0 picks one); null: no gRPC.</summary>
    public int? GrpcPort { get; init; }

    public int? ParentPid { get; init; }
}
