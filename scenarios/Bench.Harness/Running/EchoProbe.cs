using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bench.Reports.Model;

namespace Bench.Harness.Running;

/// <summary>
/// The gate's fixed yardstick: a raw TCP echo over loopback, measured beside a case's measured window. Two threads of
/// the harness trade the case's payload size over one connection with blocking sockets — no Bench code on the path —
/// a round trip every <see cref="Interval"/>. What the machine does to wake-ups and loopback while the case runs, it
/// does to the probe too, so a gate can adjust latencies for the probe's p50 (<c>--normalize</c>) and remove the part of
/// the launch-to-launch noise it explains.
/// </summary>
public sealed class EchoProbe : IDisposable
{
    /// <summary>Time between the probe's round trips: 200 a second, a small load beside the case's.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly Socket listener;
    private readonly Socket client;
    private readonly Socket server;
    private readonly Thread echo;
    private readonly Thread probe;
    private readonly List<long> roundTripsUs = new(4096);
    private readonly int payloadBytes;
    private volatile bool stopping;

    private EchoProbe(int payloadBytes)
    {
        this.payloadBytes = payloadBytes;
        listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        server = listener.Accept();
        server.NoDelay = true;
        echo = new Thread(Echo) { IsBackground = true, Name = "bench-probe-echo" };
        probe = new Thread(Probe) { IsBackground = true, Name = "bench-probe" };
    }

    /// <summary>Starts probing with <paramref name="payloadBytes"/> each way (at least 1).</summary>
    public static EchoProbe Start(int payloadBytes)
    {
        var p = new EchoProbe(Math.Max(1, payloadBytes));
        p.echo.Start();
        p.probe.Start();
        return p;
    }

    /// <summary>Stops the probe and summarizes its round trips; null when it made none.</summary>
    public ProbeSummary? Stop()
    {
        stopping = true;
        probe.Join();
        client.Shutdown(SocketShutdown.Both);
        echo.Join();
        long[] sorted;
        lock (roundTripsUs)
        {
            sorted = [.. roundTripsUs.Order()];
        }

        return sorted.Length == 0 ? null : new ProbeSummary(At(sorted, 0.50), At(sorted, 0.99), sorted.Length, payloadBytes);
    }

    public void Dispose()
    {
        stopping = true;
        client.Dispose();
        server.Dispose();
        listener.Dispose();
    }

    private static long At(long[] sorted, double quantile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    private void Probe()
    {
        var message = new byte[payloadBytes];
        var reply = new byte[payloadBytes];
        try
        {
            while (!stopping)
            {
                var start = Stopwatch.GetTimestamp();
                client.Send(message);
                for (var got = 0; got < reply.Length;)
                {
                    var n = client.Receive(reply, got, reply.Length - got, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    got += n;
                }

                var us = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                lock (roundTripsUs)
                {
                    roundTripsUs.Add(us);
                }

                Thread.Sleep(Interval);
            }
        }
        catch (SocketException)
        {
            // Closed under it: the probe is over.
        }
        catch (ObjectDisposedException)
        {
            // Disposed under it: the probe is over.
        }
    }

    private void Echo()
    {
        var buffer = new byte[payloadBytes];
        try
        {
            while (true)
            {
                var n = server.Receive(buffer);
                if (n == 0)
                {
                    return;
                }

                server.Send(buffer, 0, n, SocketFlags.None);
            }
        }
        catch (SocketException)
        {
            // Closed under it: the probe is over.
        }
        catch (ObjectDisposedException)
        {
            // Disposed under it: the probe is over.
        }
    }
}
