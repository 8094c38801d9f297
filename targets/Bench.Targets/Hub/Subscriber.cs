using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>One subscriber connection: its bounded send queue and the loop that writes it to the socket.</summary>
internal sealed class Subscriber(string stream, WebSocket socket, int capacity, TimeSpan injectDelay = default)
{
    private readonly Channel<(PublishedEvent Event, long Seq)> queue = Channel.CreateBounded<(PublishedEvent, long)>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    private long dropped;

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

    private long failedSends;

    /// <summary>Sends queued events in order until the queue completes or the socket fails.</summary>
    public async Task SendLoopAsync(CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        await foreach (var (evt, seq) in queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            buffer.ResetWrittenCount();
            EventEnvelope.Write(buffer, evt, Stream, seq);
            try
            {
                Hosting.InjectedDelay.Spend(injectDelay);
                await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Increment(ref failedSends);
                throw;
            }
        }
    }
}
