using System.Net.WebSockets;
using System.Text;
using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.TargetFiles.Publishers;
using Bench.Harness.Targets;
using Bench.Harness.Transports;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// rtt against a target file's system: one connection per virtual user to its WebSocket echo (each message answered by
/// one message), or one kept-alive connection per virtual user sending its HTTP request (a 2xx answer ends the round
/// trip). Every request carries Bench's envelope.
/// </summary>
internal sealed class FileRtt : IRttSession
{
    private readonly TargetFile file;
    private readonly ExternalTarget target;
    private readonly ClientWebSocket[] sockets;
    private readonly HttpClient[] clients;
    private readonly byte[][] buffers;
    private readonly string stream;
    private int unreachableInARow;

    private FileRtt(TargetFile file, ExternalTarget target, ClientWebSocket[] sockets, HttpClient[] clients, int maxMessage, string stream)
    {
        this.file = file;
        this.target = target;
        this.sockets = sockets;
        this.clients = clients;
        this.stream = stream;
        buffers = [.. sockets.Select(_ => new byte[maxMessage])];
    }

    public ITargetHandle Target => target;

    public static async Task<FileRtt> StartAsync(TargetFile file, RttSetup setup, CancellationToken ct)
    {
        var rtt = file.Rtt ?? throw new InvalidOperationException("the target file has no rtt");
        var stream = FilePushFanOut.NewStream();
        var values = new TemplateValues(stream);
        var target = new ExternalTarget(file.Name, rtt.Url ?? TemplateText.FillUrl(rtt.Http!.Url, values), file.Pid);
        var sockets = new List<ClientWebSocket>();
        try
        {
            if (rtt.Url is { } url)
            {
                foreach (var _ in Enumerable.Range(0, setup.Connections))
                {
                    var uri = new Uri(TemplateText.FillUrl(url, values));
                    sockets.Add(await WebSocketClients.ConnectAsync(uri, null, ct, headers: rtt.Headers).ConfigureAwait(false));
                }
            }

            HttpClient[] clients = rtt.Http is null ? [] : [.. Enumerable.Range(0, setup.Connections).Select(_ =>
                new HttpClient(new SocketsHttpHandler
                {
                    UseProxy = false,
                    AllowAutoRedirect = false,
                    MaxConnectionsPerServer = 1,
                    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                })
                {
                    Timeout = TimeSpan.FromSeconds(30),
                })];
            return new FileRtt(file, target, [.. sockets], clients, setup.MaxMessage, stream);
        }
        catch
        {
            foreach (var s in sockets)
            {
                s.Dispose();
            }

            target.Dispose();
            throw;
        }
    }

    public async ValueTask ExchangeAsync(IterationContext it, Payloads payload, CancellationToken ct)
    {
        if (sockets.Length > 0)
        {
            var socket = sockets[it.VirtualUser];
            var envelope = HttpEventPublisher.Envelope(it.Number, it.IntendedTimestamp, payload.For(it.Number), stream);
            var message = Encoding.UTF8.GetBytes(envelope);
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
                if (await WebSocketClients.ReceiveMessageAsync(socket, buffers[it.VirtualUser], ct).ConfigureAwait(false) >= 0)
                {
                    return;
                }
            }
            catch (WebSocketException e)
            {
                target.Gone($"rtt.url: the connection broke ({e.Message})");
                throw new IterationFailedException("connection_broken", e.Message, e);
            }

            target.Gone("rtt.url: the system closed the connection");
            throw new IterationFailedException("closed_by_target");
        }

        using var request = HttpEventPublisher.Request(file.Rtt!.Http!, stream, payload.For(it.Number), it.Number, it.IntendedTimestamp);
        HttpResponseMessage response;
        try
        {
            response = await clients[it.VirtualUser].SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            if (Interlocked.Increment(ref unreachableInARow) == HttpEventPublisher.UnreachableInARow)
            {
                target.Gone($"rtt.http stopped answering ({e.Message})");
            }

            throw new IterationFailedException("unreachable", e.Message, e);
        }

        using (response)
        {
            Volatile.Write(ref unreachableInARow, 0);
            if (!response.IsSuccessStatusCode)
            {
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new IterationFailedException("http_" + status);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in sockets)
        {
            await WebSocketClients.CloseQuietlyAsync(s).ConfigureAwait(false);
        }

        foreach (var c in clients)
        {
            c.Dispose();
        }

        target.Dispose();
    }
}
