namespace Bench.Targets.Receiver;

/// <summary>Told of every webhook the receiver accepts; the harness records deliveries through it.</summary>
public interface IWebhookObserver
{
    /// <summary>Called with the verified body and the timestamp at which the whole body had arrived.</summary>
    void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp);

    /// <summary>How long to spend processing a new delivery to <paramref name="path"/> before answering. The default is none.</summary>
    TimeSpan ProcessingTime(string path) => TimeSpan.Zero;
}

/// <summary>Observes nothing: the receiver run as a standalone target.</summary>
public sealed class NullWebhookObserver : IWebhookObserver
{
    public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp)
    {
    }
}
