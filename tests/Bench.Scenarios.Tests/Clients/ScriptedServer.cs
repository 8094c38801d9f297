using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench.Scenarios.Tests.Clients;

/// <summary>
/// A loopback server that reads each request (head and Content-Length body) and writes the pieces <c>answer</c>
/// gives for it (request number, bytes), a little apart so each is read on its own.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Func<int, byte[], byte[][]> answer;
    private readonly bool closeAfter;
    private readonly bool hang;
    private readonly Task accepting;
    private int connections;
    private int requests;

    public ScriptedServer(Func<int, byte[], byte[][]> answer, bool closeAfter = false, bool hang = false)
    {
        this.answer = answer;
        this.closeAfter = closeAfter;
        this.hang = hang;
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndpoint;

    public int Connections => Volatile.Read(ref connections);

    public List<byte[]> Requests { get; } = [];

    public Uri Uri(string path) => new($"http://127.0.0.1:{EndPoint.Port}{path}");

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref connections);
            s.NoDelay = true;
            _ = Task.Run(() => ServeAsync(s));
        }
    }

    private async Task ServeAsync(Socket s)
    {
        using (s)
        {
            try
            {
                var pending = new List<byte>();
                var chunk = new byte[4096];
                while (true)
                {
                    var request = await ReadRequestAsync(s, pending, chunk);
                    if (request is null)
                    {
                        return;
                    }

                    int n;
                    lock (Requests)
                    {
                        Requests.Add(request);
                        n = requests++;
                    }

                    if (hang)
                    {
                        await Task.Delay(System.Threading.Timeout.Infinite, stop.Token);
                    }

                    var pieces = answer(n, request);
                    for (var i = 0; i < pieces.Length; i++)
                    {
                        if (i > 0)
                        {
                            await Task.Delay(1, stop.Token);
                        }

                        await s.SendAsync(pieces[i], SocketFlags.None, stop.Token);
                    }

                    if (closeAfter)
                    {
                        s.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away, or the test ended.
            }
        }
    }

    private async Task<byte[]?> ReadRequestAsync(Socket s, List<byte> pending, byte[] chunk)
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString([.. pending]);
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var line = text[..headEnd].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.Ordinal));
                var total = headEnd + 4 + (line is null ? 0 : int.Parse(line[15..], System.Globalization.CultureInfo.InvariantCulture));
                if (pending.Count >= total)
                {
                    var request = pending.Take(total).ToArray();
                    pending.RemoveRange(0, total);
                    return request;
                }
            }

            var read = await s.ReceiveAsync(chunk, SocketFlags.None, stop.Token);
            if (read == 0)
            {
                return null;
            }

            pending.AddRange(chunk.AsSpan(0, read));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
