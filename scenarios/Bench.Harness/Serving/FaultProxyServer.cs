using System.Net;
using Bench.Targets.Faults;

namespace Bench.Harness.Serving;

/// <summary>
/// <c>bench proxy --listen ADDR --upstream ADDR [toxics]</c>: the fault proxy by hand, until Ctrl-C; its ready line to
/// <c>output</c>, what it does to <c>error</c>; bad usage is a <see cref="UsageException"/>.
/// </summary>
public static class FaultProxyServer
{
    public static async Task<int> RunAsync(ProxyRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!IPEndPoint.TryParse(request.Listen, out var at))
        {
            throw new UsageException([$"--listen: '{request.Listen}' is not an address such as 127.0.0.1:9000"]);
        }

        if (!IPAddress.IsLoopback(at.Address))
        {
            if (!request.AllowNonLoopbackListen)
            {
                throw new UsageException(
                    [$"--listen: {at} is beyond loopback; it would expose the target to the network (add --allow-non-loopback-listen to " +
                    $"mean it)"]);
            }

            await error.WriteLineAsync($"warning: listening on {at}, beyond loopback: anyone who reaches it reaches the target")
                .ConfigureAwait(false);
        }

        if (!IPEndPoint.TryParse(request.Upstream, out var to) || to.Port == 0)
        {
            throw new UsageException([$"--upstream: '{request.Upstream}' is not an address such as 127.0.0.1:5000"]);
        }

        var controlToken = Environment.GetEnvironmentVariable("BENCH_TOKEN");
        if (request.Control && string.IsNullOrEmpty(controlToken))
        {
            throw new UsageException(["--control: set BENCH_TOKEN to the bearer token the control routes require"]);
        }

        FaultProxy proxy;
        try
        {
            proxy = FaultProxy.Start(at, to);
        }
        catch (ArgumentException e)
        {
            throw new UsageException([$"--upstream: {e.Message}"]);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new UsageException([$"--listen: cannot listen on {at}: {e.Message}"]);
        }

        await using (proxy.ConfigureAwait(false))
        {
            var toxics = new Toxics
            {
                Latency = request.Latency ?? TimeSpan.Zero,
                Jitter = request.Jitter ?? TimeSpan.Zero,
                BandwidthKiBPerSec = request.BandwidthKiBPerSec ?? 0
            };
            proxy.Toxics = toxics;
            var controlled = request.Control
                ? await FaultProxyControl.StartAsync(proxy, controlToken!, ct).ConfigureAwait(false)
                : default;
            var controlSuffix = controlled.App is null ? "" : " control " + controlled.Url;
            output.WriteLine($"ready proxy {proxy.Endpoint} -> {to}{controlSuffix}");
            output.Flush();
            var scripted = new List<Task>();
            if (request.ResetPeerAfter is { } r)
            {
                scripted.Add(After(r, ct, () => Say(error, "reset_peer", proxy.ResetPeers)));
            }

            if (request.DownAfter is { } d)
            {
                scripted.Add(After(d, ct, async () =>
                {
                    error.WriteLine("down");
                    await proxy.DownAsync(request.DownFor ?? TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
                    error.WriteLine("up");
                }));
            }

            if (request.TimeoutAfter is { } b)
            {
                scripted.Add(After(b, ct, async () =>
                {
                    Say(error, "timeout (blackhole) on", () => proxy.Toxics = toxics with { Blackhole = true });
                    if (request.TimeoutFor is { } lasting)
                    {
                        await Task.Delay(lasting, ct).ConfigureAwait(false);
                        Say(error, "timeout (blackhole) off", () => proxy.Toxics = toxics);
                    }
                }));
            }

            await ReferenceServer.WaitForStopAsync(request.ParentPid, ct).ConfigureAwait(false);
            if (controlled.App is { } app)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }

            await error.WriteLineAsync($"accepted {proxy.AcceptedConnections} connection(s), refused " +
                $"{proxy.RefusedConnections}").ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static void Say(TextWriter error, string what, Action action)
    {
        action();
        error.WriteLine(what);
    }

    private static async Task After(TimeSpan delay, CancellationToken ct, Action action) => await After(delay, ct, () =>
    {
        action();
        return Task.CompletedTask;
    }).ConfigureAwait(false);

    private static async Task After(TimeSpan delay, CancellationToken ct, Func<Task> action)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
            await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped before the scripted toxic's time.
        }
    }
}
