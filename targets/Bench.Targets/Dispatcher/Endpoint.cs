using System.Threading.Channels;
using Bench.Targets.Webhooks;

namespace Bench.Targets.Dispatcher;

/// <summary>A registered receiver URL with its secret, stream name, sequence counter and queue of deliveries ready to try.</summary>
internal sealed class Endpoint(EndpointRecord record, int capacity)
{
    private long nextSeq;
    private long dropped;

    public EndpointRecord Record { get; } = record;

    public Uri Url { get; } = new(record.Url);

    public string Stream => Record.Stream;

    public WebhookSignature Signature { get; } = new(record.Secret);

    /// <summary>Set by a 410 Gone: nothing more is sent here.</summary>
    public bool Disabled { get; set; }

    public Channel<Delivery> Ready { get; } = Channel.CreateBounded<Delivery>(
        new BoundedChannelOptions(capacity) { SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    public long Dropped => Interlocked.Read(ref dropped);

    public long NextSeq() => Interlocked.Increment(ref nextSeq);

    public void ContinueSeqAfter(long seq)
    {
        long current;
        while (seq > (current = Interlocked.Read(ref nextSeq)) && Interlocked.CompareExchange(ref nextSeq, seq, current) != current)
        {
        }
    }

    public bool TryQueue(Delivery delivery)
    {
        if (Ready.Writer.TryWrite(delivery))
        {
            return true;
        }

        Interlocked.Increment(ref dropped);
        return false;
    }
}

/// <summary>A request to register a receiver endpoint: its URL, its <c>whsec_</c> secret and the stream name it is told.</summary>
public sealed record SubscriptionRequest(string Url, string Secret, string? Stream);
