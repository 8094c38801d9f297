using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// Makes a target file's system emit events through one kept SignalR connection (<c>publish.signalr</c>): each event
/// is one invocation of the hub method with the file's arguments, and an invocation the hub completed is an accepted
/// event (one that threw is refused, <c>publish_hub_error</c>). When the connection is lost or the hub closes it,
/// publishes are refused at once (<c>publish_connection_lost</c>) while Bench starts it again on its publisher backoff
/// (50 ms doubling to 500 ms), and the run's result says so; after <see cref="HttpEventPublisher.UnreachableInARow"/>
/// failed attempts in a row the system counts as gone. Negotiate may send the client on only to a host the file names.
/// </summary>
public sealed class SignalREventPublisher : ITargetPublisher
{
    private readonly SignalRPublish spec;
    private readonly PublishSetup setup;
    private readonly HubConnection connection;
    private readonly PublishCounts counts;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private Task restarting = Task.CompletedTask;
    private long losses;
    private long reconnects;

    private SignalREventPublisher(SignalRPublish spec, PublishSetup setup, HubConnection connection)
    {
        this.spec = spec;
        this.setup = setup;
        this.connection = connection;
        counts = new PublishCounts(setup.Clock);
        connection.Closed += e =>
        {
            // Lost, or ended by the hub: Bench starts it again itself, whichever it was.
            if (!stopping.IsCancellationRequested)
            {
                lock (gate)
                {
                    restarting = Task.Run(() => RestartAsync(e), CancellationToken.None);
                }
            }

            return Task.CompletedTask;
        };
    }

    public long AcceptedCount => counts.AcceptedCount;

    public long Rejected => counts.Rejected;

    public long FirstRejectionTimestamp => counts.FirstRejectionTimestamp;

    public SequenceSet Accepted() => counts.Accepted();

    /// <summary>The times the connection was lost, and made again, when it was.</summary>
    public Bench.Reports.Warnings.RunWarning? Warning =>
        PublishCounts.ConnectionWarning(spec.Field, Interlocked.Read(ref losses), Interlocked.Read(ref reconnects));

    /// <summary>Connects to the hub at <c>publish.signalr.url</c>; a failed connection throws (the preflight names the field).</summary>
    public static async Task<SignalREventPublisher> ConnectAsync(SignalRPublish spec, PublishSetup setup, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(TemplateText.FillUrl(spec.Url, new TemplateValues(setup.Stream)), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.HttpMessageHandlerFactory = inner => new AllowedHostsHandler(setup.Hosts, inner);
                foreach (var (name, value) in spec.Headers)
                {
                    o.Headers[name] = value;
                }
            })
            .Build();
        var publisher = new SignalREventPublisher(spec, setup, connection);
        try
        {
            await connection.StartAsync(ct).ConfigureAwait(false);
            return publisher;
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw new HttpRequestException($"the negotiate answer was not a SignalR hub's: {e.Message.Split('\n')[0]}", e);
        }
        catch
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        if (connection.State != HubConnectionState.Connected)
        {
            throw counts.Refused("connection_lost", "publish.signalr: the connection is down; reconnecting");
        }

        var values = TemplateValues.ForEvent(setup.Stream, number, intendedTimestamp, setup.Payloads.For(number));
        object?[] args = [.. spec.Args.Select(a => (object?)TemplateText.Fill(a, values))];
        try
        {
            await connection.InvokeCoreAsync(spec.Method, args, ct).ConfigureAwait(false);
        }
        catch (HubException e)
        {
            throw counts.Refused("hub_error", "publish.signalr: " + e.Message, e);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException
            or System.Net.WebSockets.WebSocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw counts.Refused("connection_lost", "publish.signalr: " + e.Message, e);
        }

        counts.Accept(number);
    }

    /// <summary>
    /// Starts a connection that was lost or closed again, on the publisher backoff; after that many failed attempts in a
    /// row the system is gone.
    /// </summary>
    private async Task RestartAsync(Exception? closed)
    {
        Interlocked.Increment(ref losses);
        var random = new Random();
        for (var attempt = 0; attempt < HttpEventPublisher.UnreachableInARow; attempt++)
        {
            try
            {
                await Task.Delay(Publisher.Backoff.Delay(attempt, random), stopping.Token).ConfigureAwait(false);
                await connection.StartAsync(stopping.Token).ConfigureAwait(false);
                Interlocked.Increment(ref reconnects);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or InvalidDataException
                or System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                closed = e;
            }
        }

        var why = closed?.Message ?? "closed by the hub";
        setup.Target?.Gone($"publish.signalr: the connection was lost and could not be made again ({why})");
    }

    public async ValueTask DisposeAsync()
    {
        Task pending;
        lock (gate)
        {
            stopping.Cancel();
            pending = restarting;
        }

        await pending.ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }
}
