using Bench.Harness.Plan;
using Bench.Targets.Hosting;
using Bench.Targets.Wire;

namespace Bench.Harness.Serving;

/// <summary>
/// <c>bench serve --role ROLE</c>: runs one reference server until stopped, printing <c>ready ROLE URL…</c> once bound
/// (every URL, plain HTTP first) to <c>output</c>, warnings to <c>error</c>; bad usage is a <see cref="UsageException"/>.
/// </summary>
public static class ReferenceServer
{
    public static async Task<int> RunAsync(ServeRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var roleName = request.Role;
        if (!Enum.TryParse<TargetRole>(roleName, ignoreCase: true, out var chosen) || !Enum.IsDefined(chosen))
        {
            throw new UsageException([$"--role: unknown role '{roleName}'; valid roles: hub, dispatcher, receiver"]);
        }

        var bind = NameList.Split(request.Urls);
        var tokenValue = request.Token ?? NullIfEmpty(Environment.GetEnvironmentVariable("BENCH_TOKEN"));
        var secretValue = request.Secret ?? NullIfEmpty(Environment.GetEnvironmentVariable("BENCH_SECRET"));
        if (chosen == TargetRole.Receiver && secretValue is null)
        {
            throw new UsageException(["--secret: the receiver needs a whsec_ secret (or set BENCH_SECRET)"]);
        }

        if (chosen == TargetRole.Receiver && Bench.Targets.Webhooks.WebhookSignature.Problem(secretValue) is { } badSecret)
        {
            throw new UsageException([$"--secret: {badSecret}"]);
        }

        if (bind.FirstOrDefault(u => !TargetHost.BindsLoopback(u)) is { } exposed && tokenValue is null)
        {
            // Beyond loopback, nobody may publish, subscribe or read stats without the token: one is made up.
            tokenValue = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            await error.WriteLineAsync($"warning: {exposed} is reachable beyond loopback and no --token was given; clients must send " +
                $"'Authorization: Bearer {tokenValue}'").ConfigureAwait(false);
            output.WriteLine($"token {tokenValue}");
        }

        var outboxValue = request.Outbox ?? "dispatcher-outbox.db";
        if (chosen == TargetRole.Dispatcher && OutboxProblem(outboxValue, request.EndpointsFile) is { } badOutbox)
        {
            throw new UsageException([badOutbox]);
        }

        if (request.ReplayLog is { } replayLog && chosen == TargetRole.Hub && FileProblem("--replay-log", replayLog) is { } badLog)
        {
            throw new UsageException([badLog]);
        }

        RunningTarget target;
        using var identity = request.Tls ? LoadIdentity() : null;
        if (request.GrpcPort is < 0 or > 65535)
        {
            throw new UsageException(["--grpc-port: give a port from 0 to 65535"]);
        }

        var listen = new TargetListen
        {
            Certificate = identity?.Certificate,
            GrpcPort = chosen == TargetRole.Hub ? request.GrpcPort : null,
        };
        if (identity is not null)
        {
            output.WriteLine($"tls-pin {identity.Pin}");
        }

        try
        {
            target = chosen switch
            {
                TargetRole.Hub => await TargetHost.StartHubAsync(o =>
                {
                    o.Token = tokenValue;
                    o.MaxMessageBytes = request.MaxMessageBytes ?? o.MaxMessageBytes;
                    o.AllowedOrigins = [.. request.AllowedOrigins ?? []];
                    o.AllowCompression = request.AllowCompression;
                    o.KeepAliveInterval = request.KeepAlive ?? o.KeepAliveInterval;
                    o.InjectDelay = request.Injected;
                    o.ReplayLogPath = request.ReplayLog;
                }, bind, ct: ct, listen: listen).ConfigureAwait(false),
                TargetRole.Dispatcher => await TargetHost.StartDispatcherAsync(o =>
                {
                    o.Token = tokenValue;
                    o.DeliveryTimeout = request.DeliveryTimeout ?? o.DeliveryTimeout;
                    o.RetryTimeScale = request.RetryTimeScale ?? o.RetryTimeScale;
                    o.MaxInFlightPerEndpoint = request.MaxInFlight ?? o.MaxInFlightPerEndpoint;
                    o.OutboxPath = outboxValue == "memory" ? null : outboxValue;
                    o.EndpointsPath = request.EndpointsFile;
                    o.GzipBodies = request.Gzip;
                    o.NewConnectionPerDelivery = request.Cold;
                    o.InjectDelay = request.Injected;
                    o.TrustedCertificatePin = request.TrustPin ?? NullIfEmpty(Environment.GetEnvironmentVariable(TlsIdentity.PinVariable));
                }, bind, ct: ct).ConfigureAwait(false),
                _ => await TargetHost.StartReceiverAsync(o =>
                {
                    o.Secret = secretValue!;
                    o.Token = tokenValue;
                    o.MaxBodyBytes = request.MaxBodyBytes ?? o.MaxBodyBytes;
                    o.MaxDecompressedBytes = request.MaxDecompressedBytes ?? o.MaxDecompressedBytes;
                    o.InjectDelay = request.Injected;
                }, bind, ct: ct, listen: listen).ConfigureAwait(false),
            };
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (chosen == TargetRole.Hub)
        {
            // The file exists and is writable but is not a replay log (or is locked by another hub).
            throw new UsageException([$"--replay-log: {request.ReplayLog} cannot be used as the replay log: {e.Message}"]);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            // The file exists and is writable but is not an outbox (or is locked by another dispatcher).
            throw new UsageException([$"--outbox: {outboxValue} cannot be used as the outbox: {e.Message}"]);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or FormatException
            or Microsoft.Extensions.Options.OptionsValidationException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {roleName} could not start: {e.Message}").ConfigureAwait(false);
            return ExitCodes.RunFailed;
        }

        await using (target.ConfigureAwait(false))
        {
            if (target.MadeUpToken is { } madeUp)
            {
                // Configuration (Kestrel__Endpoints__…__Url, appsettings.json) bound it beyond loopback: a token was made up.
                var exposedUrl = target.Urls.FirstOrDefault(u => !TargetHost.BindsLoopback(u)) ?? string.Join(' ', target.Urls);
                await error.WriteLineAsync(
                    $"warning: {exposedUrl} is reachable beyond loopback (set in configuration) and no --token was given; " +
                    $"clients must send 'Authorization: Bearer {madeUp}'").ConfigureAwait(false);
                output.WriteLine($"token {madeUp}");
            }

            // Every URL bound, plain HTTP first: "ready hub http://127.0.0.1:41234 https://127.0.0.1:41235".
            // The hub's gRPC port last, marked: "ready hub http://127.0.0.1:41234 grpc=http://127.0.0.1:41236".
            var grpcField = target.GrpcUrl is { } grpcUrl ? " grpc=" + grpcUrl : "";
            var plainFirst = target.Urls.OrderBy(u => u.StartsWith("https:", StringComparison.Ordinal));
            output.WriteLine($"ready {roleName.ToLowerInvariant()} {string.Join(' ', plainFirst)}{grpcField}");
            output.Flush();
            await WaitForStopAsync(request.ParentPid, ct).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Why the outbox (or the endpoints file) cannot be used, naming the option, or null: checked before "ready".</summary>
    private static string? OutboxProblem(string outbox, string? endpointsFile)
    {
        var (option, path) = outbox == "memory" ? ("--endpoints-file", endpointsFile) : ("--outbox", outbox);
        if (path is null)
        {
            return null;
        }

        if (FileProblem(option, path, Bench.Targets.Dispatcher.SecretBox.KeyFileProblem) is { } problem)
        {
            return problem;
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

    /// <summary>
    /// Why <paramref name="path"/> cannot be a target's own file (an outbox, a replay log), naming <paramref name="option"/>,
    /// or null; a file that does not exist yet is created owner-only, as the target would. <paramref name="besides"/> adds
    /// a check made before anything is created.
    /// </summary>
    private static string? FileProblem(string option, string path, Func<string, string?>? besides = null)
    {
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
        var unusable = Bench.Targets.Dispatcher.PrivateFiles.LinkProblem(full) ?? besides?.Invoke(full);
        if (unusable is not null)
        {
            return $"{option}: {unusable}";
        }

        try
        {
            // Opened for writing as the target will; created owner-only when new (and left for it).
            Bench.Targets.Dispatcher.PrivateFiles.Ensure(full);
            using var probe = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{option}: cannot write {path}: {e.Message}";
        }

        return null;
    }

    private static TlsIdentity LoadIdentity() =>
        NullIfEmpty(Environment.GetEnvironmentVariable(TlsIdentity.PfxVariable)) is { } pfx
            ? TlsIdentity.FromPfxBase64(pfx) : TlsIdentity.Create();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Waits for Ctrl-C/SIGTERM, or for the parent process to disappear.</summary>
    internal static async Task WaitForStopAsync(int? parentPid, CancellationToken ct)
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
            // Asked to stop (Ctrl-C).
        }
    }
}
