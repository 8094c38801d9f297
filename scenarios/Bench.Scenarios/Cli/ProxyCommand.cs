using System.CommandLine;
using System.Net;
using Bench.Harness;
using Bench.Targets.Faults;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench proxy --listen ADDR --upstream ADDR [toxics]</c>: the fault proxy by hand, until Ctrl-C.</summary>
internal static class ProxyCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var listen = new Option<string>("--listen") { Description = "Address to listen on, e.g. 127.0.0.1:9000 (port 0: any free port). The default is 127.0.0.1:0.", DefaultValueFactory = _ => "127.0.0.1:0" };
        var upstream = new Option<string>("--upstream") { Description = "The target to forward to, on loopback, e.g. 127.0.0.1:5000.", Required = true };
        var latency = CliOptions.Duration("--latency", "latency: delay added to each chunk, each direction, e.g. 40ms.");
        var jitter = CliOptions.Duration("--jitter", "latency jitter: ± this much per chunk (order is kept), e.g. 5ms.");
        var bandwidth = CliOptions.PositiveDouble("--bandwidth", "bandwidth: KiB a second each way.");
        var blackhole = CliOptions.Duration("--timeout-after", "timeout (blackhole): stop forwarding after this long, keep sockets open, for --timeout-for.");
        var blackholeFor = CliOptions.Duration("--timeout-for", "How long the blackhole lasts. The default is until Ctrl-C.");
        var resetAfter = CliOptions.Duration("--reset-peer-after", "reset_peer: reset every open connection once, after this long.");
        var downAfter = CliOptions.Duration("--down-after", "down: refuse and reset connections after this long, for --down-for.");
        var downFor = CliOptions.Duration("--down-for", "How long down lasts. The default is 3s.");
        var exposed = new Option<bool>("--allow-non-loopback-listen")
        {
            Description = "Listen beyond loopback (e.g. 0.0.0.0): whoever reaches the port reaches the target, which may trust loopback. "
                + "The default refuses.",
        };
        var control = new Option<bool>("--control")
        {
            Description = "Also serve control routes (/counts, /toxics, /reset-peer, /down) on a free 127.0.0.1 port, behind the "
                + "bearer token in BENCH_TOKEN (required); the ready line ends 'control URL'. Set by bench run, which drives its "
                + "fault proxy this way.",
        };
        var parent = new Option<int?>("--parent-pid")
        {
            Description = "Exit when this process exits (set by bench run, so no proxy outlives its run).",
        };
        var command = new Command("proxy", "Run the fault proxy (Toxiproxy's toxics: latency, bandwidth, timeout, reset_peer, down) between a client and a target on loopback.")
        {
            listen, upstream, latency, jitter, bandwidth, blackhole, blackholeFor, resetAfter, downAfter, downFor, exposed, control, parent,
        };
        command.SetAction(async (parse, _) =>
        {
            if (!IPEndPoint.TryParse(parse.GetValue(listen)!, out var at))
            {
                return Program.UsageError([$"--listen: '{parse.GetValue(listen)}' is not an address such as 127.0.0.1:9000"]);
            }

            if (!IPAddress.IsLoopback(at.Address))
            {
                if (!parse.GetValue(exposed))
                {
                    return Program.UsageError(
                        [$"--listen: {at} is beyond loopback; it would expose the target to the network (add --allow-non-loopback-listen to mean it)"]);
                }

                await Console.Error.WriteLineAsync($"warning: listening on {at}, beyond loopback: anyone who reaches it reaches the target")
                    .ConfigureAwait(false);
            }

            if (!IPEndPoint.TryParse(parse.GetValue(upstream)!, out var to) || to.Port == 0)
            {
                return Program.UsageError([$"--upstream: '{parse.GetValue(upstream)}' is not an address such as 127.0.0.1:5000"]);
            }

            var controlToken = Environment.GetEnvironmentVariable("BENCH_TOKEN");
            if (parse.GetValue(control) && string.IsNullOrEmpty(controlToken))
            {
                return Program.UsageError(["--control: set BENCH_TOKEN to the bearer token the control routes require"]);
            }

            FaultProxy proxy;
            try
            {
                proxy = FaultProxy.Start(at, to);
            }
            catch (ArgumentException e)
            {
                return Program.UsageError([$"--upstream: {e.Message}"]);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                return Program.UsageError([$"--listen: cannot listen on {at}: {e.Message}"]);
            }

            await using (proxy.ConfigureAwait(false))
            {
                var ct = cancellation();
                var toxics = new Toxics { Latency = parse.GetValue(latency) ?? TimeSpan.Zero, Jitter = parse.GetValue(jitter) ?? TimeSpan.Zero, BandwidthKiBPerSec = parse.GetValue(bandwidth) ?? 0 };
                proxy.Toxics = toxics;
                var controlled = parse.GetValue(control)
                    ? await FaultProxyControl.StartAsync(proxy, controlToken!, ct).ConfigureAwait(false)
                    : default;
                var controlSuffix = controlled.App is null ? "" : " control " + controlled.Url;
                Console.Out.WriteLine($"ready proxy {proxy.Endpoint} -> {to}{controlSuffix}");
                Console.Out.Flush();
                var scripted = new List<Task>();
                if (parse.GetValue(resetAfter) is { } r)
                {
                    scripted.Add(After(r, ct, () => Say("reset_peer", proxy.ResetPeers)));
                }

                if (parse.GetValue(downAfter) is { } d)
                {
                    scripted.Add(After(d, ct, async () =>
                    {
                        Console.Error.WriteLine("down");
                        await proxy.DownAsync(parse.GetValue(downFor) ?? TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
                        Console.Error.WriteLine("up");
                    }));
                }

                if (parse.GetValue(blackhole) is { } b)
                {
                    scripted.Add(After(b, ct, async () =>
                    {
                        Say("timeout (blackhole) on", () => proxy.Toxics = toxics with { Blackhole = true });
                        if (parse.GetValue(blackholeFor) is { } lasting)
                        {
                            await Task.Delay(lasting, ct).ConfigureAwait(false);
                            Say("timeout (blackhole) off", () => proxy.Toxics = toxics);
                        }
                    }));
                }

                await WaitForStopAsync(parse.GetValue(parent), ct).ConfigureAwait(false);
                if (controlled.App is { } app)
                {
                    await app.DisposeAsync().ConfigureAwait(false);
                }

                await Console.Error.WriteLineAsync($"accepted {proxy.AcceptedConnections} connection(s), refused {proxy.RefusedConnections}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Waits for Ctrl-C/SIGTERM, or for the parent process to disappear (the rule targets follow).</summary>
    private static async Task WaitForStopAsync(int? parentPid, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                if (parentPid is { } pid && !Bench.Harness.Targets.ProcessReadings.IsAlive(pid))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C: stop the proxy.
        }
    }

    private static void Say(string what, Action action)
    {
        action();
        Console.Error.WriteLine(what);
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
