using System.Net.Sockets;
using System.Threading.Channels;

namespace Bench.Targets.Faults;

/// <summary>One client↔upstream pair: two pumps, each reading chunks and writing them on after the toxics allow.</summary>
internal sealed class ProxiedConnection(Socket client, Socket server, Func<Toxics> toxics, TimeProvider clock)
{
    private readonly CancellationTokenSource closed = new();
    private readonly Random random = new();
    private TaskCompletionSource resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(CancellationToken stopping)
    {
        using var link = CancellationTokenSource.CreateLinkedTokenSource(stopping, closed.Token);
        var up = PumpAsync(client, server, ToxicDirection.Upstream, link.Token);
        var down = PumpAsync(server, client, ToxicDirection.Downstream, link.Token);
        await Task.WhenAny(up, down).ConfigureAwait(false);
        await link.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        client.Dispose();
        server.Dispose();
    }

    /// <summary>Lets a blackholed pump look at the toxics again.</summary>
    public void Wake() =>
        Interlocked.Exchange(ref resumed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Closes both sockets with a TCP reset (linger 0).</summary>
    public void Reset()
    {
        Abort(client);
        Abort(server);
        closed.Cancel();
    }

    public static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
            // Closed already.
        }
        catch (SocketException)
        {
            // The socket was already torn down by the peer; the reset has nothing left to do.
        }
    }

    /// <summary>
    /// Reads from <paramref name="from"/> into a queue stamped with each chunk's due time; a writer sends chunks on at
    /// their due time, paced by the bandwidth limit. While blackholed, neither side reads: TCP holds the data.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to, ToxicDirection direction, CancellationToken ct)
    {
        var queue = Channel.CreateBounded<(byte[] Data, int Length, long Due)>(
            new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var writer = WriteAsync(to, queue.Reader, ct);
        try
        {
            long lastDue = 0;
            while (!ct.IsCancellationRequested)
            {
                await WhileBlackholedAsync(ct).ConfigureAwait(false);
                var buffer = new byte[16 * 1024];
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                var t = toxics();
                var due = clock.GetTimestamp();
                if (t.Latency > TimeSpan.Zero && t.LatencyDirection.HasFlag(direction))
                {
                    var jitterTicks = t.Jitter.Ticks == 0 ? 0 : (long)((random.NextDouble() * 2 - 1) * t.Jitter.Ticks);
                    due += (long)((t.Latency.Ticks + jitterTicks) * (clock.TimestampFrequency / (double)TimeSpan.TicksPerSecond));
                }

                // Jitter never reorders: a chunk is never due before the one read before it.
                lastDue = Math.Max(lastDue, due);
                await queue.Writer.WriteAsync((buffer, read, lastDue), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is over, by a peer, a reset toxic or the proxy stopping.
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);
        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The other side is gone already.
        }
    }

    private async Task WriteAsync(Socket to, ChannelReader<(byte[] Data, int Length, long Due)> chunks, CancellationToken ct)
    {
        try
        {
            await foreach (var (data, length, due) in chunks.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var wait = clock.GetElapsedTime(clock.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, ct).ConfigureAwait(false);
                }

                var sent = 0;
                while (sent < length)
                {
                    await WhileBlackholedAsync(ct).ConfigureAwait(false);
                    var rate = toxics().BandwidthKiBPerSec;

                    // With a bandwidth limit, send in slices of a tenth of a second's worth.
                    // Each slice waits for its own transmission time first, so n bytes take n / rate seconds.
                    var slice = rate > 0 ? Math.Max(1, Math.Min(length - sent, (int)(rate * 1024 / 10))) : length - sent;
                    if (rate > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(slice / (rate * 1024)), clock, ct).ConfigureAwait(false);
                    }

                    sent += await to.SendAsync(data.AsMemory(sent, slice), SocketFlags.None, ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is over.
        }
    }

    private async Task WhileBlackholedAsync(CancellationToken ct)
    {
        while (toxics().Blackhole)
        {
            var wake = Volatile.Read(ref resumed).Task;
            if (!toxics().Blackhole)
            {
                return;
            }

            await wake.WaitAsync(ct).ConfigureAwait(false);
        }
    }
}
