using System.Threading.Channels;
using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>How one subscriber connection puts an event on its wire: a WebSocket frame, an SSE event, a SignalR message.</summary>
internal interface IEventWriter
{
    ValueTask WriteAsync(PublishedEvent evt, string stream, long seq, CancellationToken ct);
}

/// <summary>
/// One subscriber connection, whatever its transport: its send queue, bounded in events and in bytes (its own limit and
/// the hub's, shared by every subscriber), and the loop that writes it out. A full queue drops the newest event and
/// counts it: the subscriber sees the gap as a loss, and the hub's memory stays bounded however slowly it reads.
/// </summary>
internal sealed class Subscriber
{
    private readonly Channel<(PublishedEvent Event, long Seq)> queue;
    private readonly IEventWriter writer;
    private readonly Hosting.InjectedDelay injectDelay;
    private readonly ByteBudget own;
    private readonly ByteBudget? shared;
    private readonly CancellationTokenSource takenOver = new();
    private long dropped;
    private long failedSends;

    public Subscriber(string stream, IEventWriter writer, SubscriberLimits limits, Hosting.InjectedDelay injectDelay = default)
    {
        Stream = stream;
        this.writer = writer;
        this.injectDelay = injectDelay;
        own = new ByteBudget(limits.QueueBytes);
        shared = limits.Shared;
        // Not single-reader: when the connection goes, DrainUnsent empties what the send loop left.
        queue = Channel.CreateBounded<(PublishedEvent, long)>(
            new BoundedChannelOptions(limits.QueueEvents)
            {
                SingleReader = false,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.Wait,
            });
    }

    public string Stream { get; }

    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Bytes this subscriber's queue holds now (payloads plus entry overhead).</summary>
    public long QueuedBytes => own.Held;

    /// <summary>Cancelled when another connection takes this subscriber's stream over: the transport closes, saying why.</summary>
    public CancellationToken TakenOver => takenOver.Token;

    public bool WasTakenOver => takenOver.IsCancellationRequested;

    /// <summary>Queues the event; a full queue (in events or bytes) drops it.</summary>
    public void Enqueue(PublishedEvent evt, long seq)
    {
        var cost = ByteBudget.CostOf(evt);
        if (!own.TryTake(cost))
        {
            Interlocked.Increment(ref dropped);
            return;
        }

        if (shared is not null && !shared.TryTake(cost))
        {
            own.Return(cost);
            Interlocked.Increment(ref dropped);
            return;
        }

        if (!queue.Writer.TryWrite((evt, seq)))
        {
            Release(cost);
            Interlocked.Increment(ref dropped);
        }
    }

    public void Complete() => queue.Writer.TryComplete();

    /// <summary>Ends this subscription because another connection took its stream (never silently: its transport says so).</summary>
    public void TakeOver()
    {
        Complete();
        takenOver.Cancel();
    }

    /// <summary>
    /// Once the connection is gone: empties the queue, giving its bytes back to the budgets, and returns how many events
    /// were never written (they are lost with the connection).
    /// </summary>
    public int DrainUnsent()
    {
        var unsent = 0;
        while (queue.Reader.TryRead(out var item))
        {
            Release(ByteBudget.CostOf(item.Event));
            unsent++;
        }

        return unsent;
    }

    private void Release(long cost)
    {
        own.Return(cost);
        shared?.Return(cost);
    }

    /// <summary>Events whose write failed because the connection broke.</summary>
    public long FailedSends => Interlocked.Read(ref failedSends);

    /// <summary>Sends queued events in order until the queue completes or the connection fails.</summary>
    public async Task SendLoopAsync(CancellationToken ct)
    {
        await foreach (var (evt, seq) in queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            Release(ByteBudget.CostOf(evt));
            try
            {
                await injectDelay.ApplyAsync().ConfigureAwait(false);
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

/// <summary>How much one subscriber may queue: events, bytes, and the hub-wide byte budget it shares (null: none).</summary>
internal sealed record SubscriberLimits(int QueueEvents, long QueueBytes, ByteBudget? Shared);
