namespace Bench.Targets.Hub;

/// <summary>Options of the WebSocket hub.</summary>
public sealed class HubOptions
{
    /// <summary>
    /// The largest message accepted on <c>/ws/echo</c> (larger closes with 1009) and from a SignalR client (larger ends
    /// the connection with SignalR's close message). The default is 64 KiB.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>The bearer token required on upgrade; null accepts any client. The default is null.</summary>
    public string? Token { get; set; }

    /// <summary>Origins allowed to connect when a request sends one; empty allows any. The default is empty.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Interval of keep-alive traffic to every client: WebSocket pings, SSE comment lines, SignalR pings (SignalR's
    /// client timeout is twice this plus a second). The default is 15 seconds.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events that may wait for one subscriber; beyond this they are dropped and counted. The default is 100,000.</summary>
    public int SubscriberQueueCapacity { get; set; } = 100_000;

    /// <summary>
    /// Bytes that may wait for one subscriber (payloads plus 64 bytes an event); beyond this events are dropped and
    /// counted. The default is 16 MiB.
    /// </summary>
    public long SubscriberQueueBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Bytes that may wait for all subscribers together; beyond
    /// this events are dropped and counted. The default is 1 GiB.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Connections open at once (WebSocket, SSE and SignalR together); more are refused with 503 and Retry-After before
    /// the upgrade. The default is 50,000 (the connections scenario's largest).
    /// </summary>
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>Events kept per stream for subscribers that resume; older ones are gone for good. The default is 10,000.</summary>
    public int ReplayBufferEvents { get; set; } = 10_000;

    /// <summary>
    /// Bytes kept per stream for subscribers that resume; beyond
    /// this the oldest go first, counted. The default is 8 MiB.
    /// </summary>
    public long ReplayBufferBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Bytes kept by the replay buffers of all streams together (payloads plus 64 bytes an event, counted in each stream
    /// that keeps it); when spent, a stream makes room from its own oldest events, or keeps none. The default is 512 MiB.
    /// </summary>
    public long MaxReplayBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Streams one connection may subscribe to over its life (a SignalR connection can call <c>Subscribe</c> again with
    /// other names; a WebSocket or SSE connection has one): each is a stream every event is buffered for. Beyond this the
    /// call is refused with a hub error. The default is 16.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 16;

    /// <summary>How long an event stays in a stream's replay buffer. The default is 60 seconds.</summary>
    public TimeSpan ReplayBufferAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The durable replay log (a SQLite file): every accepted event is written to it before its publish is acknowledged,
    /// streams and their sequence numbers are read back from it at start, so a subscriber resumes across a hub restart.
    /// Bounded as one stream's buffer is (<see cref="ReplayBufferEvents"/>, <see cref="ReplayBufferBytes"/>,
    /// <see cref="ReplayBufferAge"/>). Null keeps the replay buffers in memory only. The default is null.
    /// </summary>
    public string? ReplayLogPath { get; set; }

    /// <summary>
    /// Whether permessage-deflate (RFC 7692) is agreed when a client offers it, on <c>/ws/echo</c> and
    /// <c>/ws/subscribe</c>. Each compressed connection keeps its own deflate state (tens of KiB). The default is false.
    /// </summary>
    public bool AllowCompression { get; set; }

    /// <summary>
    /// Test-only: CPU spent and a wait without CPU before each message sent to a subscriber or echoed (the regression
    /// gate's slowdown knobs). The default is none.
    /// </summary>
    public Hosting.InjectedDelay InjectDelay { get; set; }

    /// <summary>
    /// Streams remembered while nobody is subscribed to them; beyond
    /// this the longest-idle are forgotten. The default is 100,000.
    /// </summary>
    public int MaxStreams { get; set; } = 100_000;

    /// <summary>SSE: the reconnection delay sent to clients in the stream's first <c>retry:</c> field. The default is 100 ms.</summary>
    public TimeSpan SseRetry { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>SignalR: bytes buffered per connection for a client that reconnects statefully. The default is 1 MiB.</summary>
    public long StatefulReconnectBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// SignalR: bytes all stateful reconnect buffers may hold together, counting each connection at twice
    /// <see cref="StatefulReconnectBufferBytes"/> (what a full one costs). Beyond it a client that asks for stateful
    /// reconnect is negotiated without it. The default is 256 MiB (128 connections at 1 MiB).
    /// </summary>
    public long MaxStatefulReconnectBytes { get; set; } = 256L * 1024 * 1024;
}
