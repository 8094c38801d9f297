using System.Threading.Channels;
using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>How one subscriber connection puts an event on its wire: a WebSocket frame, an SSE event, a SignalR message.</summary>
internal interface IEventWriter
{
    ValueTask WriteAsync(PublishedEvent evt, string stream, long seq, CancellationToken ct);
}

/// <summary>One subscriber connection, whatever its transport: its bounded send queue and the loop that writes it out.</summary>
internal sealed class Subscriber(string stream, IEventWriter writer, int capacity, TimeSpan injectDelay = default)
{
    private readonly Channel<(PublishedEvent Event, long Seq)> queue = Channel.CreateBounded<(PublishedEvent, long)>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    private long dropped;
    private long failedSends;

    public string Stream { get; } = stream;

    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Queues the event; a full queue drops it (the subscriber sees the gap as a loss).</summary>
    public void Enqueue(PublishedEvent evt, long seq)
    {
        if (!queue.Writer.TryWrite((evt, seq)))
        {
            Interlocked.Increment(ref dropped);
        }
    }

    public void Complete() => queue.Writer.TryComplete();

    /// <summary>Events queued but never written, read when the connection is gone (they are lost with it).</summary>
    public int Unsent => queue.Reader.CanCount ? queue.Reader.Count : 0;

    /// <summary>Events whose write failed because the connection broke.</summary>
    public long FailedSends => Interlocked.Read(ref failedSends);

    /// <summary>Sends queued events in order until the queue completes or the connection fails.</summary>
    public async Task SendLoopAsync(CancellationToken ct)
    {
        await foreach (var (evt, seq) in queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                Hosting.InjectedDelay.Spend(injectDelay);
                await writer.WriteAsync(evt, Stream, seq, ct).ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Increment(ref failedSends);
                throw;
            }
        }
    }
}
