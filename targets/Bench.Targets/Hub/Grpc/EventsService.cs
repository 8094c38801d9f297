using Bench.Targets.Hub.Grpc.Protocol;
using Bench.Targets.Publishing;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Hub.Grpc;

/// <summary>
/// The hub's gRPC service (<c>bench.events.v1.Events</c>, <c>Hub/Grpc/events.proto</c>): <c>Subscribe</c> streams one
/// stream's events as a <see cref="Subscriber"/> of the shared <see cref="HubBroadcaster"/>, with its own
/// <see cref="GrpcEventWriter"/>, so streams, sequence numbers, the replay buffer and the byte caps are those of every
/// other transport; <c>Echo</c> answers what it is sent. The token and Origin are checked as on every route
/// (<c>authorization: Bearer TOKEN</c> metadata, or the request's <c>token</c> field).
/// </summary>
internal sealed class EventsService(IOptions<HubOptions> options, HubBroadcaster hub) : Protocol.Events.EventsBase
{
    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context)
    {
        var o = options.Value;
        var http = context.GetHttpContext();
        Admit(http, request.Token, o);
        var name = request.Stream.Length > 0 ? request.Stream : "s" + http.TraceIdentifier;
        if (StreamNames.Problem(name) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }

        if (request.HasResumeAfterSeq && request.ResumeAfterSeq < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "resume_after_seq must be a whole number of 0 or more"));
        }

        if (!hub.TryOpenConnection())
        {
            var full = $"the hub holds {o.MaxConnections:N0} connections; try again in a second";
            throw new RpcException(new Status(StatusCode.ResourceExhausted, full));
        }

        try
        {
            await StreamAsync(request, name, new GrpcEventWriter(responseStream), o, context).ConfigureAwait(false);
        }
        finally
        {
            hub.CloseConnection();
        }
    }

    private async Task StreamAsync(SubscribeRequest request, string name, GrpcEventWriter writer, HubOptions o, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var subscriber = new Subscriber(name, writer, hub.Limits, o.InjectDelay);
        long? resumeFrom = request.HasResumeAfterSeq ? request.ResumeAfterSeq : null;
        if (hub.Attach(subscriber, resumeFrom, request.Takeover) is not { } stream)
        {
            var taken = HubEndpoints.StreamTakenMessage(name, "subscribe with takeover = true");
            throw new RpcException(new Status(StatusCode.AlreadyExists, taken));
        }

        try
        {
            // The response headers say "attached": a client waits for them before it counts as subscribed (without them
            // it would learn nothing until the first event).
            await context.WriteResponseHeadersAsync([]).ConfigureAwait(false);

            // The call ends when the client cancels or goes away, the write fails, or another call takes the stream
            // over (its queue completes, and the loop ends once it has written what was queued).
            await subscriber.SendLoopAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client went away: the end of this subscription, not a hub failure.
        }
        finally
        {
            hub.Detach(stream, subscriber);
        }

        if (subscriber.WasTakenOver)
        {
            throw new RpcException(new Status(StatusCode.Aborted, "another connection took this stream over"));
        }
    }

    public override async Task<EchoMessage> Echo(EchoMessage request, ServerCallContext context)
    {
        var o = options.Value;
        Admit(context.GetHttpContext(), "", o);
        await o.InjectDelay.ApplyAsync().ConfigureAwait(false);
        return request;
    }

    /// <summary>Refuses a call without the token (Unauthenticated) or from a foreign Origin (PermissionDenied).</summary>
    private static void Admit(HttpContext http, string fieldToken, HubOptions o)
    {
        var status = AccessGate.Check(http.Request, o.Token, o.AllowedOrigins);
        if (status == StatusCodes.Status401Unauthorized && o.Token is { } token && fieldToken.Length > 0
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(fieldToken), System.Text.Encoding.UTF8.GetBytes(token)))
        {
            // The token in the request's field: the Origin is still checked.
            status = AccessGate.Check(http.Request, null, o.AllowedOrigins);
        }

        switch (status)
        {
            case StatusCodes.Status401Unauthorized:
                throw new RpcException(new Status(StatusCode.Unauthenticated, "a bearer token is required (authorization: Bearer TOKEN)"));
            case { } _:
                throw new RpcException(new Status(StatusCode.PermissionDenied, "this Origin is not allowed"));
            default:
                break;
        }
    }
}
