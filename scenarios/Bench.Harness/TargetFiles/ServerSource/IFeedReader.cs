namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// One subscriber's connection to a system that publishes on its own, read message by message as it arrives. It does
/// not reconnect: Bench cannot ask a feed it did not publish for what it missed, so a stream that ends, ends.
/// </summary>
internal interface IFeedReader : IAsyncDisposable
{
    /// <summary>Reads the next whole message into <paramref name="buffer"/>; its length, or -1 when the system ended the stream.</summary>
    ValueTask<int> ReadAsync(byte[] buffer, CancellationToken ct);
}
