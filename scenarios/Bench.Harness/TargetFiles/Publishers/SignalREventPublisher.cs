using Bench.Harness.Clients;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// Makes a target file's system emit events through one kept SignalR connection (<c>publish.signalr</c>): each event
/// is one invocation of the hub method with the file's arguments, and an invocation the hub completed is an accepted
/// event (one that threw is refused, <c>publish_hub_error</c>). A connection lost or closed by the hub is started again
/// by Bench itself, as <see cref="KeptConnectionPublisher"/> says. Negotiate may send the client on only to a host the
/// file names.
/// </summary>
public sealed class SignalREventPublisher : KeptConnectionPublisher
{
    private readonly SignalRPublish spec;
    private readonly HubConnection connection;

    private SignalREventPublisher(SignalRPublish spec, PublishSetup setup, HubConnection connection)
        : base(spec.Field, setup)
    {
        this.spec = spec;
        this.connection = connection;
        connection.Closed += e =>
        {
            // Lost, or ended by the hub: Bench starts it again itself, whichever it was.
            if (!Stopping)
            {
                ConnectionLost(e);
            }

            return Task.CompletedTask;
        };
    }

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
            await publisher.OpenAsync(ct).ConfigureAwait(false);
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

    public override async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        if (connection.State != HubConnectionState.Connected)
        {
            throw Counts.Refused("connection_lost", "publish.signalr: the connection is down; reconnecting");
        }

        var values = TemplateValues.ForEvent(Setup.Stream, number, intendedTimestamp, Setup.Payloads.For(number));
        object?[] args = [.. spec.Args.Select(a => (object?)TemplateText.Fill(a, values))];
        try
        {
            await connection.InvokeCoreAsync(spec.Method, args, ct).ConfigureAwait(false);
        }
        catch (HubException e)
        {
            throw Counts.Refused("hub_error", "publish.signalr: " + e.Message, e);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException
            or System.Net.WebSockets.WebSocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw Counts.Refused("connection_lost", "publish.signalr: " + e.Message, e);
        }

        Counts.Accept(number);
    }

    protected override async Task OpenAsync(CancellationToken ct)
    {
        await connection.StartAsync(ct).ConfigureAwait(false);
        Opened();
    }

    protected override ValueTask CloseAsync() => connection.DisposeAsync();
}
