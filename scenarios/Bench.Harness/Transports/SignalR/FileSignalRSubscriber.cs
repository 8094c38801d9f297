using System.Text.Json;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Harness.Transports.SignalR;

/// <summary>
/// A SignalR client of a target file's hub: it connects (negotiate, then WebSockets), invokes
/// <c>subscribe.method(args)</c> if the file gives one, and reads each <c>subscribe.event</c> message. The envelope
/// path applies to the event's arguments as a JSON array: <c>$.1</c> is the second argument, and the event is taken to
/// have as many arguments as that index needs. It reconnects with SignalR's automatic reconnect (on Bench's backoff)
/// and subscribes again. Negotiate may name another URL only on a host the file names: any other is refused.
/// </summary>
internal sealed class FileSignalRSubscriber(
    HubConnection connection, SubscribeSpec spec, TemplateValues values, EnvelopePath envelope, string stream, Func<TimeSpan>? processing,
    SignalRBackoff backoff, DisconnectLog log)
    : IStreamSubscriber, IUnreadableMessages
{
    private long lastSeq;

    public string Stream => stream;

    public Exception? Failure { get; private set; }

    public int ReconnectAttempts => log.ReconnectAttempts;

    public IReadOnlyList<long> Detections => log.Detections;

    public IReadOnlyList<long> LastSeqAtDisconnect => log.LastSeqAtDisconnect;

    /// <summary>Why the last message could not be read as an event, or null.</summary>
    public string? LastUnreadable { get; private set; }

    /// <summary>Connects to <c>subscribe.url</c>; negotiate and the WebSocket may go to <paramref name="hosts"/> only.</summary>
    public static async Task<FileSignalRSubscriber> ConnectAsync(
        SubscribeSpec spec, IReadOnlyCollection<string> hosts, TemplateValues values, EnvelopePath envelope, string stream,
        CancellationToken ct, Func<TimeSpan>? processing = null, DeliveryWire? wire = null)
    {
        var log = new DisconnectLog();
        var backoff = new SignalRBackoff(ReconnectPolicy.Default, log, TimeProvider.System);
        var connection = new HubConnectionBuilder()
            .WithUrl(TemplateText.FillUrl(spec.Url!, values), o =>
            {
                o.Transports = HttpTransportType.WebSockets;

                // A negotiate answer may send the client on to another URL (with the file's headers): only to the file's hosts.
                o.HttpMessageHandlerFactory = inner => new AllowedHostsHandler(hosts, inner);
                foreach (var (name, value) in spec.Headers)
                {
                    o.Headers[name] = value;
                }

                if (wire is not null)
                {
                    // Counted (the overhead scenario): negotiate and the WebSocket go through the run's wire.
                    o.HttpMessageHandlerFactory = _ => new AllowedHostsHandler(hosts, wire.Handler());
                    o.WebSocketFactory = async (context, ct) =>
                    {
                        AllowedHostsHandler.Check(hosts, context.Uri);
                        var socket = WebSocketClients.ConnectAsync(context.Uri, null, ct, wire: wire, headers: spec.Headers);
                        return await socket.ConfigureAwait(false);
                    };
                }
            })
            .WithAutomaticReconnect(backoff)
            .Build();
        backoff.Attach(connection);
        try
        {
            await connection.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            // What answered negotiate was not a SignalR hub: a failed connection, not a fault of the harness.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new HttpRequestException($"the negotiate answer was not a SignalR hub's: {e.Message.Split('\n')[0]}", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new FileSignalRSubscriber(connection, spec, values, envelope, stream, processing, backoff, log);
    }

    /// <summary>How many arguments the event has: enough for the envelope paths' indexes (<c>$.1</c>: two), else one.</summary>
    public static int ArgumentCount(EnvelopePath envelope) =>
        envelope.Paths.Max(p => p.Properties.Count > 0 && int.TryParse(p.Properties[0], out var index) ? index + 1 : 1);

    /// <summary>Whether the paths start at the arguments (<c>$.1</c>, or a mapping's), rather than in the first argument.</summary>
    private static bool ReadsArguments(EnvelopePath envelope) => envelope.Properties.Count > 0 || envelope.Mapping is not null;

    public void Start(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes)
    {
        var count = ArgumentCount(envelope);
        connection.On(spec.Event!, [.. Enumerable.Repeat(typeof(JsonElement), count)], async (args, _) =>
        {
            var arrival = clock.GetTimestamp();
            backoff.Delivered();
            var array = JsonSerializer.SerializeToElement(args);
            try
            {
                var fields = envelope.Read(ReadsArguments(envelope) ? array : array[0]) with { Stream = stream };
                if (accounting.OnArrival(fields, array.GetRawText().Length, arrival) is { } seen)
                {
                    Interlocked.Exchange(ref lastSeq, seen.Seq);
                }
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
            {
                LastUnreadable = e.Message;
                accounting.OnUnreadable(array.GetRawText().Length, arrival);
            }

            if (processing?.Invoke() is { } busy && busy > TimeSpan.Zero)
            {
                await Task.Delay(busy, clock).ConfigureAwait(false);
            }
        }, this);
        connection.Reconnecting += _ =>
        {
            log.Disconnected(clock.GetTimestamp(), Interlocked.Read(ref lastSeq));
            return Task.CompletedTask;
        };
        connection.Reconnected += _ => SubscribeAsync();
        _ = SubscribeAsync();
    }

    /// <summary>Invokes the file's subscribe method, if any.</summary>
    public async Task SubscribeAsync()
    {
        if (spec.Method is null)
        {
            return;
        }

        try
        {
            await connection.InvokeCoreAsync(spec.Method, [.. spec.Args.Select(a =>
                (object?)TemplateText.Fill(a, values))]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or OperationCanceledException
            or Microsoft.AspNetCore.SignalR.HubException)
        {
            Failure = e;
        }
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync().ConfigureAwait(false);
}
