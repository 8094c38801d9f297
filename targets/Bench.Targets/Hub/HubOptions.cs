namespace Bench.Targets.Hub;

/// <summary>Options of the WebSocket hub.</summary>
public sealed class HubOptions
{
    /// <summary>The largest message accepted on <c>/ws/echo</c>; larger closes with 1009. The default is 64 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>The bearer token required on upgrade; null accepts any client. The default is null.</summary>
    public string? Token { get; set; }

    /// <summary>Origins allowed to connect when a request sends one; empty allows any. The default is empty.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Interval of keep-alive pings to every client. The default is 15 seconds.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events that may wait for one subscriber; beyond this they are dropped and counted. The default is 100,000.</summary>
    public int SubscriberQueueCapacity { get; set; } = 100_000;
}
