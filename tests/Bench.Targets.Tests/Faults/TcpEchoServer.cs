using System.Net;
using System.Net.Sockets;

namespace Bench.Targets.Tests.Faults;

/// <summary>
/// A TCP echo server on loopback, for fault-proxy tests: whatever a connection sends comes back. Counts the bytes it
/// echoed. Shared by the in-process proxy's tests and (linked) the proxy-process tests.
/// </summary>
internal sealed class TcpEchoServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private long echoedBytes;

    public TcpEchoServer()
    {
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)listener.LocalEndpoint;

    public long EchoedBytes => Interlocked.Read(ref echoedBytes);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient c;
            try
            {
                c = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => EchoAsync(c, stop.Token));
        }
    }

    private async Task EchoAsync(TcpClient c, CancellationToken ct)
    {
        using (c)
        {
            var s = c.GetStream();
            var buffer = new byte[65536];
            try
            {
                int n;
                while ((n = await s.ReadAsync(buffer, ct)) > 0)
                {
                    Interlocked.Add(ref echoedBytes, n);
                    await s.WriteAsync(buffer.AsMemory(0, n), ct);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or was reset: the test is about what the client sees.
            }
        }
    }
}
