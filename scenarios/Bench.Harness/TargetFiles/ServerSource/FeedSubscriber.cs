using System.Net.WebSockets;
using System.Text.Json;

namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// One subscriber of a system that publishes on its own: reads its <see cref="IFeedReader"/> until disposed, and while
/// <see cref="Counting"/> (the measured window) counts each message into its <see cref="FeedTally"/> by the sequence
/// number and timestamp the file says are in it.
/// </summary>
internal sealed class FeedSubscriber : IAsyncDisposable
{
    /// <summary>The largest message read: a feed's messages are small; a bigger one is a malformed event, not a crash.</summary>
    public const int MaxMessage = 1024 * 1024;

    private readonly IFeedReader reader;
    private readonly ServerSourceSpec spec;
    private readonly TimeProvider clock;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private volatile bool counting;
    private int disposed;

    public FeedSubscriber(string name, IFeedReader reader, ServerSourceSpec spec, TimeProvider clock, Action? arrived = null)
    {
        Name = name;
        this.reader = reader;
        this.spec = spec;
        this.clock = clock;
        loop = Task.Run(() => ReadAsync(arrived, stop.Token));
    }

    public string Name { get; }

    public FeedTally Tally { get; } = new();

    /// <summary>Whether arrivals are counted now (the measured window); before and after, messages are read and dropped.</summary>
    public bool Counting { get => counting; set => counting = value; }

    /// <summary>Counted messages with no readable sequence number (or timestamp) where the file says.</summary>
    public long Malformed { get; private set; }

    /// <summary>Why the last unreadable message could not be read, or null.</summary>
    public string? LastUnreadable { get; private set; }

    /// <summary>How the subscriber's stream ended before the run let it go (closed by the system, or failed), or null.</summary>
    public string? Ended { get; private set; }

    /// <summary>Error kind of <see cref="Ended"/>: <c>subscriber_closed</c> or <c>subscriber_failed</c>.</summary>
    public string? EndedKind { get; private set; }

    private async Task ReadAsync(Action? arrived, CancellationToken ct)
    {
        var buffer = new byte[MaxMessage];
        while (!ct.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await reader.ReadAsync(buffer, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (ct.IsCancellationRequested
                && e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
            {
                // Let go by the run (cancelling a receive aborts the socket): not a failure of the system's.
                return;
            }
            catch (Exception e) when (e is WebSocketException or IOException or HttpRequestException or InvalidDataException)
            {
                (Ended, EndedKind) = (e.Message.Split('\n')[0], "subscriber_failed");
                return;
            }

            if (length < 0)
            {
                (Ended, EndedKind) = ("the system ended the stream", "subscriber_closed");
                return;
            }

            var arrival = clock.GetTimestamp();
            var arrivalUs = (clock.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / 10;
            arrived?.Invoke();
            if (counting)
            {
                Count(buffer.AsMemory(0, length), arrival, arrivalUs);
            }
        }
    }

    private void Count(ReadOnlyMemory<byte> message, long arrival, long arrivalUs)
    {
        long seq;
        long? latencyUs = null;
        try
        {
            using var document = JsonDocument.Parse(message);
            seq = spec.Sequence.Sequence(document.RootElement);
            if (spec.Timestamp is { } path)
            {
                latencyUs = arrivalUs - spec.Clock!.UnixMicroseconds(path.Find(document.RootElement));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException)
        {
            Malformed++;
            LastUnreadable = e is JsonException ? "not JSON" : e.Message;
            return;
        }

        Tally.Record(seq, arrival, clock.TimestampFrequency, latencyUs);
    }

    /// <summary>Stops reading; the tally is complete once this returns.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        await reader.DisposeAsync().ConfigureAwait(false);
        stop.Dispose();
    }
}
