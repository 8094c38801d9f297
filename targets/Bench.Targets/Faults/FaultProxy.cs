using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Bench.Targets.Faults;

/// <summary>
/// A TCP proxy between a target and its peers that injects the faults production sees, with Toxiproxy's vocabulary:
/// <c>latency</c>, <c>bandwidth</c>, <c>timeout</c> (blackhole) through <see cref="Toxics"/>, and <c>reset_peer</c>
/// and <c>down</c> as actions. Upstream must be on loopback: a benchmark proxy never sends traffic elsewhere.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly IPEndPoint upstream;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<ProxiedConnection, byte> connections = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly object listenerGate = new();
    private Socket? listener;
    private Task accepting = Task.CompletedTask;
    private volatile Toxics toxics = Toxics.None;
    private long accepted;
    private long refused;

    private FaultProxy(IPEndPoint upstream, TimeProvider clock)
    {
        this.upstream = upstream;
        this.clock = clock;
    }

    /// <summary>The address the proxy listens on (the port read back when 0 was asked).</summary>
    public IPEndPoint Endpoint { get; private set; } = new(IPAddress.Loopback, 0);

    public Toxics Toxics
    {
        get => toxics;
        set
        {
            toxics = value;
            foreach (var c in connections.Keys)
            {
                c.Wake();
            }
        }
    }

    public int ActiveConnections => connections.Count;

    public long AcceptedConnections => Interlocked.Read(ref accepted);

    /// <summary>Connections refused or reset by <c>down</c>.</summary>
    public long RefusedConnections => Interlocked.Read(ref refused);

    /// <summary>True while <c>down</c> is in force.</summary>
    public bool IsDown { get; private set; }

    public static FaultProxy Start(IPEndPoint listen, IPEndPoint upstream, TimeProvider? clock = null)
    {
        if (!IPAddress.IsLoopback(upstream.Address))
        {
            throw new ArgumentException(
                $"the upstream {upstream} is not on loopback; the fault proxy only forwards to 127.0.0.0/8 or ::1", nameof(upstream));
        }

        var proxy = new FaultProxy(upstream, clock ?? TimeProvider.System);
        proxy.Listen(listen);
        return proxy;
    }

    /// <summary><c>reset_peer</c>: closes every open connection with a TCP reset, both sides.</summary>
    public void ResetPeers()
    {
        foreach (var c in connections.Keys)
        {
            c.Reset();
        }
    }

    /// <summary><c>down</c>: refuses new connections and resets open ones for <paramref name="duration"/>, then listens again.</summary>
    public async Task DownAsync(TimeSpan duration, CancellationToken ct = default)
    {
        lock (listenerGate)
        {
            IsDown = true;
            listener?.Dispose();
            listener = null;
        }

        ResetPeers();
        try
        {
            await Task.Delay(duration, clock, ct).ConfigureAwait(false);
        }
        finally
        {
            if (!stopping.IsCancellationRequested)
            {
                Listen(Endpoint);
            }

            IsDown = false;
        }
    }

    private void Listen(IPEndPoint at)
    {
        lock (listenerGate)
        {
            var socket = new Socket(at.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(at);
            socket.Listen(512);
            Endpoint = (IPEndPoint)socket.LocalEndPoint!;
            listener = socket;
            accepting = AcceptLoopAsync(socket);
        }
    }

    private async Task AcceptLoopAsync(Socket socket)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // the listener was closed by down or dispose
            }

            if (IsDown)
            {
                Interlocked.Increment(ref refused);
                ProxiedConnection.Abort(client);
                continue;
            }

            Interlocked.Increment(ref accepted);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        client.NoDelay = true;
        var server = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await server.ConnectAsync(upstream, stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // The upstream is not there: the client sees its connection reset, as it would without a proxy.
            ProxiedConnection.Abort(client);
            server.Dispose();
            return;
        }

        var connection = new ProxiedConnection(client, server, () => toxics, clock);
        connections.TryAdd(connection, 0);
        try
        {
            await connection.RunAsync(stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            connections.TryRemove(connection, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        lock (listenerGate)
        {
            listener?.Dispose();
            listener = null;
        }

        foreach (var c in connections.Keys)
        {
            c.Reset();
        }

        await accepting.ConfigureAwait(false);
        stopping.Dispose();
    }
}
