using Bench.Harness.Clients;
using Bench.Targets.Hub.Grpc.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace Bench.Harness.Transports.Grpc;

/// <summary>
/// A subscriber of the hub's gRPC <c>Subscribe</c> (server streaming) on a channel of its own: one HTTP/2 connection,
/// one call. gRPC has no reconnection of its own for a call that ends, so it calls again with backoff (the base class's
/// loop), with <c>resume_after_seq</c> = the last sequence number received when resuming, and always with
/// <c>takeover</c> (the hub may not yet have seen the old call end). HTTP/2 pings are its keep-alive: a ping left
/// unanswered for the keep-alive timeout ends the connection, and the call with it.
/// </summary>
public sealed class GrpcSubscriber : GrpcCallSubscriber<Event>
{
    private readonly Events.EventsClient client;
    private readonly Metadata headers;

    private GrpcSubscriber(GrpcChannel channel, Metadata headers, string stream, SubscriberOptions options)
        : base(channel, stream, options)
    {
        this.headers = headers;
        client = new Events.EventsClient(channel);
    }

    /// <summary>A subscriber of the hub's stream <paramref name="stream"/> at <paramref name="grpcUrl"/> (the hub's gRPC port).</summary>
    public static async Task<IStreamSubscriber> ConnectAsync(
        string grpcUrl, string token, string stream, SubscriberOptions options, CancellationToken ct)
    {
        var channel = GrpcChannel.ForAddress(grpcUrl, new GrpcChannelOptions
        {
            HttpHandler = Handler(options),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
            ThrowOperationCanceledOnCancellation = true,

            // A channel whose handler has no ConnectCallback of Bench's keeps its own connection and backs off between
            // failed connects (gRPC's default: 1 s growing 1.6× to 120 s), failing calls at once meanwhile: bounded as
            // every Bench subscriber's reconnection is (100 ms to 2 s), so that the comparison is of the protocol.
            InitialReconnectBackoff = options.Backoff.Min,
            MaxReconnectBackoff = options.Backoff.Max,
        });
        var subscriber = new GrpcSubscriber(channel, new Metadata { { "authorization", "Bearer " + token } }, stream, options);
        try
        {
            await subscriber.ReopenAsync(null, ct).ConfigureAwait(false);
            return subscriber;
        }
        catch
        {
            await subscriber.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The run's wire (its sockets counted when metered: every HTTP/2 frame) with HTTP/2 pings at the keep-alive
    /// interval; one connection, as one subscriber holds one.
    /// </summary>
    public static SocketsHttpHandler Handler(SubscriberOptions options)
    {
        var handler = options.Wire is { } wire
            ? wire.Handler(options.Source)
            : new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        handler.EnableMultipleHttp2Connections = false;
        if (options.KeepAliveInterval > TimeSpan.Zero)
        {
            handler.KeepAlivePingDelay = options.KeepAliveInterval;
            handler.KeepAlivePingTimeout = options.KeepAliveTimeout > TimeSpan.Zero ? options.KeepAliveTimeout : Timeout.InfiniteTimeSpan;
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }

        return handler;
    }

    protected override async Task ReopenAsync(long? resumeFrom, CancellationToken ct)
    {
        var request = new SubscribeRequest { Stream = Stream, Takeover = true };
        if (resumeFrom is { } after)
        {
            request.ResumeAfterSeq = after;
        }

        // The call lives until abandoned; ct bounds only the wait for the hub's answer (its response headers, sent once
        // the subscriber is attached).
        await OpenAsync(
            life => client.Subscribe(request, headers, cancellationToken: life),
            next => next.ResponseHeadersAsync.WaitAsync(ct),
            "Subscribe").ConfigureAwait(false);
    }

    protected override async ValueTask<int> ReceiveAsync(byte[] buffer, int limit, CancellationToken ct)
    {
        var current = Call;
        if (!await current.ResponseStream.MoveNext(ct).ConfigureAwait(false))
        {
            return -1;
        }

        var envelope = current.ResponseStream.Current.Envelope;
        if (envelope.Length > limit)
        {
            throw new InvalidDataException($"an event of {envelope.Length} bytes is larger than the {limit} bytes allowed");
        }

        envelope.Span.CopyTo(buffer);
        return envelope.Length;
    }

    /// <summary>A call that ends with a status (the hub gone, taken over, refused) ends the connection as a broken socket does.</summary>
    protected override bool EndsConnection(Exception e) => e is RpcException || base.EndsConnection(e);
}
