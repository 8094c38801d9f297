using System.CommandLine;
using Bench.Harness.Serving;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench proxy --listen ADDR --upstream ADDR [toxics]</c>: the fault proxy by hand, until Ctrl-C.</summary>
internal static class ProxyCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Address to listen on, e.g. 127.0.0.1:9000 (port 0: any free port). The default is 127.0.0.1:0.",
            DefaultValueFactory = _ => "127.0.0.1:0",
        };
        var upstream = new Option<string>("--upstream")
        {
            Description = "The target to forward to, on loopback, e.g. 127.0.0.1:5000.",
            Required = true,
        };
        var latency = CliOptions.Duration("--latency", "latency: delay added to each chunk, each direction, e.g. 40ms.");
        var jitter = CliOptions.Duration("--jitter", "latency jitter: ± this much per chunk (order is kept), e.g. 5ms.");
        var bandwidth = CliOptions.PositiveDouble("--bandwidth", "bandwidth: KiB a second each way.");
        var blackhole = CliOptions.Duration("--timeout-after",
            "timeout (blackhole): stop forwarding after this long, keep sockets open, for --timeout-for.");
        var blackholeFor = CliOptions.Duration("--timeout-for", "How long the blackhole lasts. The default is until Ctrl-C.");
        var resetAfter = CliOptions.Duration("--reset-peer-after", "reset_peer: reset every open connection once, after this long.");
        var downAfter = CliOptions.Duration("--down-after", "down: refuse and reset connections after this long, for --down-for.");
        var downFor = CliOptions.Duration("--down-for", "How long down lasts. The default is 3s.");
        var exposed = CliOptions.Flag("--allow-non-loopback-listen",
            "Listen beyond loopback (e.g. 0.0.0.0): whoever reaches the port reaches the target, which may trust loopback. "
            + "The default refuses.");
        var control = CliOptions.Flag("--control",
            "Also serve control routes (/counts, /toxics, /reset-peer, /down) on a free 127.0.0.1 port, behind the "
            + "bearer token in BENCH_TOKEN (required); the ready line ends 'control URL'. Set by bench run, which drives its "
            + "fault proxy this way.");
        var parent = new Option<int?>("--parent-pid")
        {
            Description = "Exit when this process exits (set by bench run, so no proxy outlives its run).",
        };
        var command = new Command("proxy",
            "Run the fault proxy (Toxiproxy's toxics: latency, bandwidth, timeout, "
                + "reset_peer, down) between a client and a target on loopback.")
        {
            listen, upstream, latency, jitter, bandwidth, blackhole, blackholeFor, resetAfter, downAfter, downFor, exposed, control, parent,
        };
        command.SetAction((parse, _) => Program.CallAsync(() => FaultProxyServer.RunAsync(
            new ProxyRequest(parse.GetValue(listen)!, parse.GetValue(upstream)!)
            {
                Latency = parse.GetValue(latency),
                Jitter = parse.GetValue(jitter),
                BandwidthKiBPerSec = parse.GetValue(bandwidth),
                TimeoutAfter = parse.GetValue(blackhole),
                TimeoutFor = parse.GetValue(blackholeFor),
                ResetPeerAfter = parse.GetValue(resetAfter),
                DownAfter = parse.GetValue(downAfter),
                DownFor = parse.GetValue(downFor),
                AllowNonLoopbackListen = parse.GetValue(exposed),
                Control = parse.GetValue(control),
                ParentPid = parse.GetValue(parent),
            },
            Console.Out,
            Console.Error,
            cancellation())));
        return command;
    }
}
