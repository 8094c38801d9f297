using System.CommandLine;
using Bench.Harness.Serving;
using Bench.Targets.Hosting;
using Bench.Targets.Wire;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench serve --role ROLE</c>: runs one reference server until stopped, printing <c>ready ROLE URL…</c> once bound
/// (every URL, plain HTTP first).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var role = new Option<string>("--role")
        {
            Description = "hub (WebSocket, SSE and SignalR server; gRPC with --grpc-port), "
                + "dispatcher (webhook sender) or receiver (webhook endpoint).",
            Required = true,
        };
        var urls = CliOptions.Texts("--urls",
            $"URLs to bind, comma-separated. The default is {TargetHost.DefaultUrl} (loopback, a free port).");
        var token = CliOptions.Text("--token",
            "Bearer token required by the hub and the dispatcher, and by the receiver's "
            + "control routes (/stats, /memory, /sink) (or BENCH_TOKEN). Without one, any client is "
            + "accepted on loopback; bound beyond loopback, one is made up and printed ('token …').");
        var secret = CliOptions.Text("--secret",
            "The receiver's whsec_ signing secret (or BENCH_SECRET). Required for the receiver.");
        var maxMessage = CliOptions.PositiveInt("--max-message-bytes",
            "Hub: largest message; larger closes /ws/echo with 1009, a SignalR "
                + "connection with SignalR's close message. The default is 65536.");
        var maxBody = CliOptions.PositiveInt("--max-body-bytes", "Receiver: largest body; larger gets 413. The default is 1048576.");
        var timeout = CliOptions.PositiveDuration("--delivery-timeout", "Dispatcher: time one delivery may take. The default is 10s.");
        var outbox = CliOptions.Text("--outbox",
            "Dispatcher: the durable outbox file (SQLite), or 'memory' to keep pending "
            + "deliveries in memory only. The default is dispatcher-outbox.db in the current folder.");
        var endpointsFile = CliOptions.Text("--endpoints-file",
            "Dispatcher with --outbox memory: a file that keeps registered endpoints across restarts. The default is none.");
        var replayLog = CliOptions.Text("--replay-log",
            "Hub: a durable replay log (SQLite, WAL): every accepted event is written to it before its publish is "
            + "acknowledged, and streams with their sequence numbers are read back from it at start, so a subscriber "
            + "resumes across a hub restart (bounded as a stream's buffer: 10,000 events, 8 MiB, 60 s). "
            + "The default is none (replay buffers in memory only).");
        var inFlight = CliOptions.PositiveInt("--max-in-flight",
            "Dispatcher: deliveries in flight to one endpoint at once (1 keeps order). The default is 1.");
        var retryScale = CliOptions.PositiveDouble("--retry-time-scale",
            "Dispatcher: multiplies the Standard Webhooks retry schedule (0.001 turns 5 min into 0.3 s). The default is 1.");
        var origins = CliOptions.Texts("--allowed-origin",
            "Hub: an Origin allowed to connect (repeatable). Without any, every Origin is allowed.");
        var tls = CliOptions.Flag("--tls",
            "Hub and receiver: also listen with HTTPS on a second loopback port, "
            + $"with the certificate in {TlsIdentity.PfxVariable} (PKCS#12, base64) or, "
            + "without it, one made in memory at start-up (its SHA-256 pin is printed).");
        var compression = CliOptions.Flag("--allow-compression",
            "Hub: agree to permessage-deflate when a WebSocket client offers it, "
            + "and gzip an SSE stream for a client that accepts it. The default is off.");
        var keepAlive = CliOptions.PositiveDuration("--keep-alive",
            "Hub: interval of keep-alive traffic (WebSocket pings, SSE comment lines, SignalR pings). The default is 15s.");
        var gzip = new Option<bool>("--gzip") { Description = "Dispatcher: send request bodies gzip-compressed. The default is off." };
        var cold = CliOptions.Flag("--cold",
            "Dispatcher: open a new connection for every delivery (Connection: close). The default keeps connections alive.");
        var trustPin = CliOptions.Text("--trust-pin",
            "Dispatcher: the SHA-256 pin (hex) of the one HTTPS certificate to trust "
            + $"(or {TlsIdentity.PinVariable}). The default is the machine's trust store.");
        var maxInflated = CliOptions.PositiveInt("--max-decompressed-bytes",
            "Receiver: the most a gzip body may inflate to; beyond it 413 (the zip-bomb limit). The default is 1048576.");
        var injectDelay = CliOptions.Duration("--inject-delay",
            "Test only: CPU spent before each delivery, echo or answer (e.g. 200us), to prove the regression gate. The default is none.");
        var injectWait = CliOptions.Duration("--inject-wait",
            "Test only: a wait without CPU before each delivery, echo or answer (e.g. 200us), as a slower dependency would add. "
                + "The default is none.");
        var grpcPort = new Option<int?>("--grpc-port")
        {
            Description = "Hub: also serve gRPC (bench.events.v1.Events: Subscribe, Echo) on this loopback port, "
                + "HTTP/2 cleartext only; 0 picks a free one. The ready line then ends 'grpc=http://127.0.0.1:PORT'. The default is none.",
        };
        var parent = new Option<int?>("--parent-pid")
        {
            Description = "Exit when this process exits (set by bench run, so no target outlives its run).",
        };

        var command = new Command("serve",
            "Run a reference server (target) until stopped; prints one line 'ready "
                + "ROLE URL…' (every URL bound, plain HTTP first) when it listens.")
        {
            role, urls, token, secret, maxMessage, maxBody, timeout, outbox, endpointsFile, inFlight, retryScale, origins, tls, compression,
            keepAlive, gzip, cold, trustPin, maxInflated, injectDelay, injectWait, grpcPort, replayLog, parent,
        };
        command.SetAction((parse, _) => Program.CallAsync(() => ReferenceServer.RunAsync(
            new ServeRequest(parse.GetValue(role) ?? "")
            {
                Urls = parse.GetValue(urls),
                Token = parse.GetValue(token),
                Secret = parse.GetValue(secret),
                MaxMessageBytes = parse.GetValue(maxMessage),
                MaxBodyBytes = parse.GetValue(maxBody),
                DeliveryTimeout = parse.GetValue(timeout),
                Outbox = parse.GetValue(outbox),
                EndpointsFile = parse.GetValue(endpointsFile),
                MaxInFlight = parse.GetValue(inFlight),
                RetryTimeScale = parse.GetValue(retryScale),
                AllowedOrigins = parse.GetValue(origins),
                Tls = parse.GetValue(tls),
                AllowCompression = parse.GetValue(compression),
                KeepAlive = parse.GetValue(keepAlive),
                Gzip = parse.GetValue(gzip),
                Cold = parse.GetValue(cold),
                TrustPin = parse.GetValue(trustPin),
                MaxDecompressedBytes = parse.GetValue(maxInflated),
                InjectDelay = parse.GetValue(injectDelay),
                InjectWait = parse.GetValue(injectWait),
                GrpcPort = parse.GetValue(grpcPort),
                ReplayLog = parse.GetValue(replayLog),
                ParentPid = parse.GetValue(parent),
            },
            Console.Out,
            Console.Error,
            cancellation())));
        return command;
    }
}
