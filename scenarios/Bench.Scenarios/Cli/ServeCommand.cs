using System.CommandLine;
using Bench.Harness;
using Bench.Targets.Hosting;
using Bench.Targets.Wire;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench serve --role ROLE</c>: runs one reference server until stopped, printing <c>ready ROLE URL…</c> once bound (every URL, plain HTTP first).</summary>
internal static class ServeCommand
{
    public static Command Create(Func<CancellationToken> cancellation)
    {
        var role = new Option<string>("--role") { Description = "hub (WebSocket, SSE and SignalR server; gRPC with --grpc-port), dispatcher (webhook sender) or receiver (webhook endpoint).", Required = true };
        var urls = new Option<string[]>("--urls") { Description = $"URLs to bind, comma-separated. The default is {TargetHost.DefaultUrl} (loopback, a free port)." };
        var token = new Option<string?>("--token") { Description = "Bearer token required by the hub and the dispatcher, and by the receiver's control routes (/stats, /memory, /sink) (or BENCH_TOKEN). Without one, any client is accepted on loopback; bound beyond loopback, one is made up and printed ('token …')." };
        var secret = new Option<string?>("--secret") { Description = "The receiver's whsec_ signing secret (or BENCH_SECRET). Required for the receiver." };
        var maxMessage = CliOptions.PositiveInt("--max-message-bytes",
            "Hub: largest message; larger closes /ws/echo with 1009, a SignalR connection with SignalR's close message. The default is 65536.");
        var maxBody = CliOptions.PositiveInt("--max-body-bytes", "Receiver: largest body; larger gets 413. The default is 1048576.");
        var timeout = CliOptions.PositiveDuration("--delivery-timeout", "Dispatcher: time one delivery may take. The default is 10s.");
        var outbox = new Option<string?>("--outbox") { Description = "Dispatcher: the durable outbox file (SQLite), or 'memory' to keep pending deliveries in memory only. The default is dispatcher-outbox.db in the current folder." };
        var endpointsFile = new Option<string?>("--endpoints-file") { Description = "Dispatcher with --outbox memory: a file that keeps registered endpoints across restarts. The default is none." };
        var inFlight = CliOptions.PositiveInt("--max-in-flight", "Dispatcher: deliveries in flight to one endpoint at once (1 keeps order). The default is 1.");
        var retryScale = CliOptions.PositiveDouble("--retry-time-scale", "Dispatcher: multiplies the Standard Webhooks retry schedule (0.001 turns 5 min into 0.3 s). The default is 1.");
        var origins = new Option<string[]>("--allowed-origin") { Description = "Hub: an Origin allowed to connect (repeatable). Without any, every Origin is allowed." };
        var tls = new Option<bool>("--tls") { Description = $"Hub and receiver: also listen with HTTPS on a second loopback port, with the certificate in {TlsIdentity.PfxVariable} (PKCS#12, base64) or, without it, one made in memory at start-up (its SHA-256 pin is printed)." };
        var compression = new Option<bool>("--allow-compression") { Description = "Hub: agree to permessage-deflate when a WebSocket client offers it, and gzip an SSE stream for a client that accepts it. The default is off." };
        var keepAlive = CliOptions.PositiveDuration("--keep-alive", "Hub: interval of keep-alive traffic (WebSocket pings, SSE comment lines, SignalR pings). The default is 15s.");
        var gzip = new Option<bool>("--gzip") { Description = "Dispatcher: send request bodies gzip-compressed. The default is off." };
        var cold = new Option<bool>("--cold") { Description = "Dispatcher: open a new connection for every delivery (Connection: close). The default keeps connections alive." };
        var trustPin = new Option<string?>("--trust-pin") { Description = $"Dispatcher: the SHA-256 pin (hex) of the one HTTPS certificate to trust (or {TlsIdentity.PinVariable}). The default is the machine's trust store." };
        var maxInflated = CliOptions.PositiveInt("--max-decompressed-bytes", "Receiver: the most a gzip body may inflate to; beyond it 413 (the zip-bomb limit). The default is 1048576.");
        var injectDelay = CliOptions.Duration("--inject-delay", "Test only: CPU spent before each delivery, echo or answer (e.g. 200us), to prove the regression gate. The default is none.");
        var grpcPort = new Option<int?>("--grpc-port")
        {
            Description = "Hub: also serve gRPC (bench.events.v1.Events: Subscribe, Echo) on this loopback port, "
                + "HTTP/2 cleartext only; 0 picks a free one. The ready line then ends 'grpc=http://127.0.0.1:PORT'. The default is none.",
        };
        var parent = new Option<int?>("--parent-pid") { Description = "Exit when this process exits (set by bench run, so no target outlives its run)." };

        var command = new Command("serve", "Run a reference server (target) until stopped; prints one line 'ready ROLE URL…' (every URL bound, plain HTTP first) when it listens.")
        {
            role, urls, token, secret, maxMessage, maxBody, timeout, outbox, endpointsFile, inFlight, retryScale, origins, tls, compression, keepAlive, gzip, cold, trustPin, maxInflated, injectDelay, grpcPort, parent,
        };
        command.SetAction(async (parse, _) =>
        {
            var roleName = parse.GetValue(role) ?? "";
            if (!Enum.TryParse<TargetRole>(roleName, ignoreCase: true, out var chosen) || !Enum.IsDefined(chosen))
            {
                return Program.UsageError([$"--role: unknown role '{roleName}'; valid roles: hub, dispatcher, receiver"]);
            }

            var bind = CliOptions.SplitList(parse.GetValue(urls));
            var tokenValue = parse.GetValue(token) ?? NullIfEmpty(Environment.GetEnvironmentVariable("BENCH_TOKEN"));
            var secretValue = parse.GetValue(secret) ?? NullIfEmpty(Environment.GetEnvironmentVariable("BENCH_SECRET"));
            if (chosen == TargetRole.Receiver && secretValue is null)
            {
                return Program.UsageError(["--secret: the receiver needs a whsec_ secret (or set BENCH_SECRET)"]);
            }

            if (chosen == TargetRole.Receiver && Bench.Targets.Webhooks.WebhookSignature.Problem(secretValue) is { } badSecret)
            {
                return Program.UsageError([$"--secret: {badSecret}"]);
            }

            if (bind.FirstOrDefault(u => !TargetHost.BindsLoopback(u)) is { } exposed && tokenValue is null)
            {
                // Beyond loopback, nobody may publish, subscribe or read stats without the token: one is made up.
                tokenValue = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                await Console.Error.WriteLineAsync($"warning: {exposed} is reachable beyond loopback and no --token was given; clients must send 'Authorization: Bearer {tokenValue}'").ConfigureAwait(false);
                Console.Out.WriteLine($"token {tokenValue}");
            }

            var outboxValue = parse.GetValue(outbox) ?? "dispatcher-outbox.db";
            if (chosen == TargetRole.Dispatcher && OutboxProblem(outboxValue, parse.GetValue(endpointsFile)) is { } badOutbox)
            {
                return Program.UsageError([badOutbox]);
            }

            var ct = cancellation();
            RunningTarget target;
            using var identity = parse.GetValue(tls) ? LoadIdentity() : null;
            if (parse.GetValue(grpcPort) is < 0 or > 65535)
            {
                return Program.UsageError(["--grpc-port: give a port from 0 to 65535"]);
            }

            var listen = new TargetListen
            {
                Certificate = identity?.Certificate,
                GrpcPort = chosen == TargetRole.Hub ? parse.GetValue(grpcPort) : null,
            };
            if (identity is not null)
            {
                Console.Out.WriteLine($"tls-pin {identity.Pin}");
            }

            try
            {
                target = chosen switch
                {
                    TargetRole.Hub => await TargetHost.StartHubAsync(o =>
                    {
                        o.Token = tokenValue;
                        o.MaxMessageBytes = parse.GetValue(maxMessage) ?? o.MaxMessageBytes;
                        o.AllowedOrigins = [.. parse.GetValue(origins) ?? []];
                        o.AllowCompression = parse.GetValue(compression);
                        o.KeepAliveInterval = parse.GetValue(keepAlive) ?? o.KeepAliveInterval;
                        o.InjectDelay = parse.GetValue(injectDelay) ?? TimeSpan.Zero;
                    }, bind, ct: ct, listen: listen).ConfigureAwait(false),
                    TargetRole.Dispatcher => await TargetHost.StartDispatcherAsync(o =>
                    {
                        o.Token = tokenValue;
                        o.DeliveryTimeout = parse.GetValue(timeout) ?? o.DeliveryTimeout;
                        o.RetryTimeScale = parse.GetValue(retryScale) ?? o.RetryTimeScale;
                        o.MaxInFlightPerEndpoint = parse.GetValue(inFlight) ?? o.MaxInFlightPerEndpoint;
                        o.OutboxPath = outboxValue == "memory" ? null : outboxValue;
                        o.EndpointsPath = parse.GetValue(endpointsFile);
                        o.GzipBodies = parse.GetValue(gzip);
                        o.NewConnectionPerDelivery = parse.GetValue(cold);
                        o.InjectDelay = parse.GetValue(injectDelay) ?? TimeSpan.Zero;
                        o.TrustedCertificatePin = parse.GetValue(trustPin) ?? NullIfEmpty(Environment.GetEnvironmentVariable(TlsIdentity.PinVariable));
                    }, bind, ct: ct).ConfigureAwait(false),
                    _ => await TargetHost.StartReceiverAsync(o =>
                    {
                        o.Secret = secretValue!;
                        o.Token = tokenValue;
                        o.MaxBodyBytes = parse.GetValue(maxBody) ?? o.MaxBodyBytes;
                        o.MaxDecompressedBytes = parse.GetValue(maxInflated) ?? o.MaxDecompressedBytes;
                        o.InjectDelay = parse.GetValue(injectDelay) ?? TimeSpan.Zero;
                    }, bind, ct: ct, listen: listen).ConfigureAwait(false),
                };
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                // The file exists and is writable but is not an outbox (or is locked by another dispatcher).
                return Program.UsageError([$"--outbox: {outboxValue} cannot be used as the outbox: {e.Message}"]);
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or FormatException or Microsoft.Extensions.Options.OptionsValidationException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: {roleName} could not start: {e.Message}").ConfigureAwait(false);
                return ExitCodes.RunFailed;
            }

            await using (target.ConfigureAwait(false))
            {
                if (target.MadeUpToken is { } madeUp)
                {
                    // Configuration (Kestrel__Endpoints__…__Url, appsettings.json) bound it beyond loopback: a token was made up.
                    var exposedUrl = target.Urls.FirstOrDefault(u => !TargetHost.BindsLoopback(u)) ?? string.Join(' ', target.Urls);
                    await Console.Error.WriteLineAsync(
                        $"warning: {exposedUrl} is reachable beyond loopback (set in configuration) and no --token was given; " +
                        $"clients must send 'Authorization: Bearer {madeUp}'").ConfigureAwait(false);
                    Console.Out.WriteLine($"token {madeUp}");
                }

                // Every URL bound, plain HTTP first: "ready hub http://127.0.0.1:41234 https://127.0.0.1:41235".
                // The hub's gRPC port last, marked: "ready hub http://127.0.0.1:41234 grpc=http://127.0.0.1:41236".
                var grpcField = target.GrpcUrl is { } grpcUrl ? " grpc=" + grpcUrl : "";
                var plainFirst = target.Urls.OrderBy(u => u.StartsWith("https:", StringComparison.Ordinal));
                Console.Out.WriteLine($"ready {roleName.ToLowerInvariant()} {string.Join(' ', plainFirst)}{grpcField}");
                Console.Out.Flush();
                await WaitForStopAsync(parse.GetValue(parent), ct).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Why the outbox (or the endpoints file) cannot be used, naming the option, or null: checked before "ready".</summary>
    private static string? OutboxProblem(string outbox, string? endpointsFile)
    {
        var (option, path) = outbox == "memory" ? ("--endpoints-file", endpointsFile) : ("--outbox", outbox);
        if (path is null)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return $"{option}: {path} is a folder; give a file";
        }

        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            return $"{option}: the folder {folder} does not exist";
        }

        // Checked before anything is opened: a link's target must be neither narrowed to 0600 nor overwritten.
        var unusable = Bench.Targets.Dispatcher.PrivateFiles.LinkProblem(full) ?? Bench.Targets.Dispatcher.SecretBox.KeyFileProblem(full);
        if (unusable is not null)
        {
            return $"{option}: {unusable}";
        }

        try
        {
            // Opened for writing as the dispatcher will; created owner-only when new (and left for it).
            Bench.Targets.Dispatcher.PrivateFiles.Ensure(full);
            using var probe = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{option}: cannot write {path}: {e.Message}";
        }

        try
        {
            _ = Bench.Targets.Dispatcher.SecretBox.EnvironmentKey();
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        return null;
    }

    private static TlsIdentity LoadIdentity() =>
        NullIfEmpty(Environment.GetEnvironmentVariable(TlsIdentity.PfxVariable)) is { } pfx ? TlsIdentity.FromPfxBase64(pfx) : TlsIdentity.Create();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Waits for Ctrl-C/SIGTERM, or for the parent process to disappear.</summary>
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
            // Asked to stop.
        }
    }
}
