namespace Bench.Targets.Receiver;

/// <summary>Told of every webhook the receiver accepts; the harness records deliveries through it.</summary>
public interface IWebhookObserver
{
    /// <summary>Called with the verified body and the timestamp at which the whole body had arrived.</summary>
    void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp);

    /// <summary>How long to spend processing a new delivery to <paramref name="path"/> before answering. The default is none.</summary>
    TimeSpan ProcessingTime(string path) => TimeSpan.Zero;

    /// <summary>
    /// A refusal to answer a valid delivery to <paramref name="path"/> with instead — an overloaded receiver's 429 or
    /// 503 and the Retry-After (seconds) it asks for — or null to accept it. The default is to accept.
    /// </summary>
    (int Status, int RetryAfterSeconds)? Refusal(string path) => null;
}

/// <summary>Observes nothing: the receiver run as a standalone target.</summary>
public sealed class NullWebhookObserver : IWebhookObserver
{
    public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp)
    {
    }
}
