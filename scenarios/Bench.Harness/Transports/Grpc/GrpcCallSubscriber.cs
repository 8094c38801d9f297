using Bench.Harness.Clients;
using Grpc.Core;
using Grpc.Net.Client;

namespace Bench.Harness.Transports.Grpc;

/// <summary>
/// A subscriber that holds one server-streaming call on a channel of its own: the hub's (<see cref="GrpcSubscriber"/>)
/// and a target file's (<see cref="FileGrpcSubscriber"/>). It owns the channel and the call in progress; a subclass
/// starts a call (<see cref="OpenAsync"/>) and reads it (<see cref="Call"/>).
/// </summary>
public abstract class GrpcCallSubscriber<TMessage>(GrpcChannel channel, string stream, SubscriberOptions options)
    : ReconnectingSubscriber(stream, options)
{
    private AsyncServerStreamingCall<TMessage>? call;
    private CancellationTokenSource? callLife;

    protected GrpcChannel Channel => channel;

    /// <summary>The call in progress.</summary>
    protected AsyncServerStreamingCall<TMessage> Call => call ?? throw new InvalidOperationException("not connected");

    /// <summary>
    /// Starts a call that lives until abandoned (<paramref name="start"/> is given its token) and waits for it as
    /// <paramref name="answered"/> says; a call that fails there is ended, and an <see cref="RpcException"/> becomes an
    /// <see cref="IOException"/> naming <paramref name="what"/> and its status.
    /// </summary>
    protected async Task OpenAsync(
        Func<CancellationToken, AsyncServerStreamingCall<TMessage>> start,
        Func<AsyncServerStreamingCall<TMessage>, Task> answered,
        string what)
    {
        var life = new CancellationTokenSource();
        var next = start(life.Token);
        try
        {
            await answered(next).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await life.CancelAsync().ConfigureAwait(false);
            next.Dispose();
            life.Dispose();
            throw e is RpcException rpc
                ? new IOException($"gRPC {what} was answered {rpc.StatusCode}: {rpc.Status.Detail}", rpc)
                : e;
        }

        call = next;
        callLife = life;
    }

    protected override void Abandon()
    {
        callLife?.Cancel();
        call?.Dispose();
        callLife?.Dispose();
        call = null;
        callLife = null;
    }

    protected override ValueTask CloseAsync()
    {
        Abandon();
        channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
