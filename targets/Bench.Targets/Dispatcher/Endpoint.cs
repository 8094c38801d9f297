using System.Threading.Channels;
using Bench.Targets.Events;
using Bench.Targets.Webhooks;

namespace Bench.Targets.Dispatcher;

/// <summary>A registered receiver URL with its secret, stream name, sequence counter and delivery queue.</summary>
internal sealed class Endpoint(Uri url, string stream, string secret, int capacity)
{
    private long nextSeq;
    private long dropped;

    public Uri Url { get; } = url;

    public string Stream { get; } = stream;

    public WebhookSignature Signature { get; } = new(secret);

    public Channel<(PublishedEvent Event, long Seq)> Queue { get; } = Channel.CreateBounded<(PublishedEvent, long)>(
        new BoundedChannelOptions(capacity) { SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    public long Dropped => Interlocked.Read(ref dropped);

    public void Enqueue(PublishedEvent evt)
    {
        var seq = Interlocked.Increment(ref nextSeq);
        if (!Queue.Writer.TryWrite((evt, seq)))
        {
            Interlocked.Increment(ref dropped);
        }
    }
}

/// <summary>A request to register a receiver endpoint: its URL, its <c>whsec_</c> secret and the stream name it is told.</summary>
public sealed record SubscriptionRequest(string Url, string Secret, string? Stream);
