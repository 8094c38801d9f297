using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Bench.Targets.Events;

namespace Bench.Targets.Hub;

/// <summary>One connected subscriber: its stream name, its sequence counter and its bounded send queue.</summary>
internal sealed class Subscriber(string stream, WebSocket socket, int capacity)
{
    private readonly Channel<(PublishedEvent Event, long Seq)> queue = Channel.CreateBounded<(PublishedEvent, long)>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    private long nextSeq;
    private long dropped;

    public string Stream { get; } = stream;

    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Numbers the event for this stream and queues it; a full queue drops it (the gap shows as a loss).</summary>
    public void Enqueue(PublishedEvent evt)
    {
        var seq = Interlocked.Increment(ref nextSeq);
        if (!queue.Writer.TryWrite((evt, seq)))
        {
            Interlocked.Increment(ref dropped);
        }
    }

    public void Complete() => queue.Writer.TryComplete();

    /// <summary>Sends queued events in order until the queue completes or the socket fails.</summary>
    public async Task SendLoopAsync(CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        await foreach (var (evt, seq) in queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            buffer.ResetWrittenCount();
            EventEnvelope.Write(buffer, evt, Stream, seq);
            await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
    }
}
