using System.Text.Json;
using Bench.Scenarios.Clients;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Scenarios.TargetFiles;

/// <summary>
/// A SignalR client of a target file's hub: it connects (negotiate, then WebSockets), invokes
/// <c>subscribe.method(args)</c> if the file gives one, and reads each <c>subscribe.event</c> message. The envelope
/// path applies to the event's arguments as a JSON array: <c>$.1</c> is the second argument, and the event is taken to
/// have as many arguments as that index needs. It reconnects with SignalR's automatic reconnect and subscribes again.
/// </summary>
internal sealed class FileSignalRSubscriber(HubConnection connection, SubscribeSpec spec, TemplateValues values, EnvelopePath envelope, string stream, Func<TimeSpan>? processing) : IStreamSubscriber
{
    private readonly DisconnectLog log = new();
    private long lastSeq;

    public string Stream => stream;

    public Exception? Failure { get; private set; }

    public int ReconnectAttempts => log.ReconnectAttempts;

    public IReadOnlyList<long> Detections => log.Detections;

    public IReadOnlyList<long> LastSeqAtDisconnect => log.LastSeqAtDisconnect;

    /// <summary>Why the last message could not be read as an event, or null.</summary>
    public string? LastUnreadable { get; private set; }

    public static async Task<FileSignalRSubscriber> ConnectAsync(
        SubscribeSpec spec, TemplateValues values, EnvelopePath envelope, string stream, CancellationToken ct, Func<TimeSpan>? processing = null, DeliveryWire? wire = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(TemplateText.FillUrl(spec.Url!, values), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                foreach (var (name, value) in spec.Headers)
                {
                    o.Headers[name] = value;
                }

                if (wire is not null)
                {
                    // Counted (the overhead scenario): negotiate and the WebSocket go through the run's wire.
                    o.HttpMessageHandlerFactory = _ => wire.Handler();
                    o.WebSocketFactory = async (context, ct) =>
                        await WebSocketClients.ConnectAsync(context.Uri, null, ct, wire: wire, headers: spec.Headers).ConfigureAwait(false);
                }
            })
            .WithAutomaticReconnect()
            .Build();
        try
        {
            await connection.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new FileSignalRSubscriber(connection, spec, values, envelope, stream, processing);
    }

    /// <summary>How many arguments the event has: enough for the envelope path's index (<c>$.1</c>: two), else one.</summary>
    public static int ArgumentCount(EnvelopePath envelope) =>
        envelope.Properties.Count > 0 && int.TryParse(envelope.Properties[0], out var index) ? index + 1 : 1;

    public void Start(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes)
    {
        var count = ArgumentCount(envelope);
        connection.On(spec.Event!, [.. Enumerable.Repeat(typeof(JsonElement), count)], async (args, _) =>
        {
            var arrival = clock.GetTimestamp();
            var array = JsonSerializer.SerializeToElement(args);
            try
            {
                var fields = envelope.Read(envelope.Properties.Count == 0 ? array[0] : array) with { Stream = stream };
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
            await connection.InvokeCoreAsync(spec.Method, [.. spec.Args.Select(a => (object?)TemplateText.Fill(a, values))]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or OperationCanceledException or Microsoft.AspNetCore.SignalR.HubException)
        {
            Failure = e;
        }
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync().ConfigureAwait(false);
}
