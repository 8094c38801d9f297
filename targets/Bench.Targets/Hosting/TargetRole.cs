namespace Bench.Targets.Hosting;

/// <summary>The reference servers Bench measures.</summary>
public enum TargetRole
{
    /// <summary>The WebSocket server.</summary>
    Hub,

    /// <summary>The webhook sender.</summary>
    Dispatcher,

    /// <summary>The webhook endpoint.</summary>
    Receiver,
}
