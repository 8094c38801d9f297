using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench.Scenarios.Tests.Clients;

/// <summary>
/// A raw HTTP/1.1 server on a loopback address, for attacks Kestrel would not make: it reads each request's head (and
/// a Content-Length body), answers with whatever <c>respond</c> returns for it, and closes the connection. It counts
/// the connections it accepted, so a test can show that nothing reached it.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Func<string, string> respond;
    private readonly Task accepting;
    private int connections;

    public HostileServer(IPAddress address, Func<string, string> respond)
    {
        this.respond = respond;
        listener = new TcpListener(address, 0);
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public string Url => $"http://{((IPEndPoint)listener.LocalEndpoint).Address}:{Port}";

    public int Connections => Volatile.Read(ref connections);

    /// <summary>The heads of the requests read so far.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>The answer that completes a WebSocket upgrade asked for in <paramref name="head"/> (RFC 6455 §4.2.2).</summary>
    public static string Upgrade(string head)
    {
        var key = head.Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
        var hash = System.Security.Cryptography.SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
        var accept = Convert.ToBase64String(hash);
        return $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n";
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream, timeout.Token);
                lock (Requests)
                {
                    Requests.Add(head);
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(respond(head)), timeout.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went first: nothing to answer.
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 64 * 1024 && (head.Count < 4 || !head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray())))
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                break;
            }

            head.Add(one[0]);
        }

        var text = Encoding.ASCII.GetString([.. head]);
        var length = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } line
            ? int.Parse(line[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        var body = new byte[Math.Min(length, 64 * 1024)];
        await stream.ReadExactlyAsync(body, ct);
        return text + Encoding.UTF8.GetString(body);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
