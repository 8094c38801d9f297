using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Json;

namespace Bench.Harness.Distributed;

/// <summary>
/// The agent's side of the coordinator protocol (<c>bench agent push</c>): connect (retrying while the coordinator is
/// not up yet), say hello, take the assignment, run the share, say <c>ready</c>, start when told, send the shard and wait
/// for <c>ok</c>. The connection is read all along: when it closes the agent stops at once. Returns the exit code; every
/// failure is one line on standard error and, while the connection stands, a <c>failed</c> line to the coordinator.
/// </summary>
public sealed class CoordinatedAgent(string host, int port, int index, string token)
{
    /// <summary>How long an agent tries to reach its coordinator (a pod may start before the coordinator's).</summary>
    public TimeSpan ConnectWait { get; init; } = TimeSpan.FromMinutes(2);

    public async Task<int> RunAsync(IProgressSink progress, TextWriter error, TimeProvider clock, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var where = $"{host}:{port.ToString(inv)}";
        using var client = await ConnectAsync(where, error, clock, ct).ConfigureAwait(false);
        if (client is null)
        {
            return ct.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.RunFailed;
        }

        await using var stream = new ProtocolStream(client.GetStream());
        AgentAssignment assignment;
        try
        {
            await stream.WriteLineAsync(string.Create(inv, $"hello {index} {token}"), ct).ConfigureAwait(false);
            var reply = await stream.ReadLineAsync(ct).ConfigureAwait(false);
            if (reply is null)
            {
                return Fail(error, ExitCodes.RunFailed, $"the coordinator at {where} closed the connection before sending an assignment");
            }

            if (reply.StartsWith("refused ", StringComparison.Ordinal))
            {
                return Fail(error, ExitCodes.Usage, $"the coordinator at {where} refused it: {reply["refused ".Length..]}");
            }

            var body = await stream.ReadDocumentAsync(reply, "assignment", CoordinatorProtocol.MaxAssignmentBytes, ct)
                .ConfigureAwait(false);
            assignment = CoordinatorProtocol.Deserialize(body);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or SocketException)
        {
            return Fail(error, ExitCodes.RunFailed, $"the coordinator at {where}: {e.Message}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Fail(error, ExitCodes.Cancelled, "stopped before the run began; no shard sent");
        }

        var problems = Check(assignment).ToList();
        var file = problems.Count == 0 && assignment.TargetFile is { } sent
            ? AgentTargetFile.FromAssignment(sent, assignment.Stream, assignment.Count, problems)
            : null;
        if (problems.Count > 0)
        {
            var why = "the coordinator's assignment: " + string.Join("; ", problems);
            await TellAsync(stream, "failed " + why).ConfigureAwait(false);
            return Fail(error, ExitCodes.Usage, why);
        }

        // From here the connection is read all along: start, ok, or its end, which stops the agent at once.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lines = Channel.CreateBounded<string>(4);
        var coordinatorGone = false;
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await stream.ReadLineAsync(stop.Token).ConfigureAwait(false) is { } line)
                {
                    await lines.Writer.WriteAsync(line, stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
            {
                // Ended: told below.
            }

            lines.Writer.TryComplete();
            if (!stop.IsCancellationRequested)
            {
                coordinatorGone = true;
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);

        // A target file names the system, its transport and its URLs; else the agent attaches to a reference target.
        ITransport transport = file?.Transport ?? TransportCatalog.Find(assignment.Transport)!;
        var run = new AgentRun(transport, assignment, ClockMethods.Parse(assignment.Clock)!.Value, Settings(assignment));
        try
        {
            var shard = await run.ExecuteAsync(progress, async t =>
            {
                await stream.WriteLineAsync("ready", t).ConfigureAwait(false);
                return AgentRun.ParseStart(await Next(t).ConfigureAwait(false), clock, index);
            }, clock, TimeSpan.FromMilliseconds(assignment.ReadyTimeoutMs), stop.Token).ConfigureAwait(false);
            await stream.WriteDocumentAsync("shard", ResultsJson.SerializeShard(shard), stop.Token).ConfigureAwait(false);
            var answer = await Next(stop.Token).ConfigureAwait(false);
            return answer == "ok"
                ? ExitCodes.Ok
                : Fail(error, ExitCodes.RunFailed,
                    $"the coordinator answered the shard with '{CoordinatorProtocol.Shorten(answer ?? "")}'");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return coordinatorGone
                ? Fail(error, ExitCodes.RunFailed, $"the coordinator at {where} closed the connection; stopped, no shard sent")
                : Fail(error, ExitCodes.Cancelled, "stopped before the run ended; no shard sent");
        }
        catch (Exception e) when (e is TargetFailedException or InvalidDataException or IOException)
        {
            var why = e.Message;
            await TellAsync(stream, "failed " + why).ConfigureAwait(false);
            return Fail(error, e is InvalidDataException ? ExitCodes.Usage : ExitCodes.RunFailed, why);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            client.Dispose();
            await reader.ConfigureAwait(false);
        }

        async Task<string?> Next(CancellationToken t)
        {
            try
            {
                return await lines.Reader.ReadAsync(t).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw new OperationCanceledException("the coordinator closed the connection", t);
            }
        }
    }

    /// <summary>What is wrong with an assignment, each problem naming its field (nothing when it can be run).</summary>
    public IReadOnlyList<string> Check(AgentAssignment a)
    {
        var problems = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        if (a.Index != index || a.Count is < 1 or > ShardLimits.MaxAgents)
        {
            problems.Add(string.Create(inv, $"index/count: agent {a.Index} of {a.Count}, and this is agent {index}"));
        }

        if (a.TargetFile is null)
        {
            var transport = TransportCatalog.Find(a.Transport);
            if (transport is null || transport.SharedTarget(new SharedTargetSetup(64 * 1024, null, "")) is null)
            {
                problems.Add($"transport: '{CoordinatorProtocol.Shorten(a.Transport)}' is not a reference target's transport");
            }

            if (!Uri.TryCreate(a.TargetUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                problems.Add($"target_url: '{CoordinatorProtocol.Shorten(a.TargetUrl)}' is not an absolute http(s) URL");
            }
            else if (transport is { SubscribersConnect: false } && !url.IsLoopback)
            {
                problems.Add("target_url: a webhook agent hosts its receivers on loopback, so it runs on the dispatcher's machine; " +
                    "this URL is not loopback");
            }
        }

        if (ClockMethods.Parse(a.Clock) is null)
        {
            problems.Add($"clock: '{CoordinatorProtocol.Shorten(a.Clock)}' is not own or shared");
        }

        if (!double.IsFinite(a.RatePerSec) || a.RatePerSec <= 0 || a.PayloadBytes < 1 || a.PayloadBytes > 16 * 1024 * 1024)
        {
            problems.Add(string.Create(inv, $"rate_per_sec/payload_bytes: {a.RatePerSec} events a second of {a.PayloadBytes} bytes"));
        }

        if (a.Subscribers < a.Count || a.ExpectedSubscribers < 1 || a.ExpectedSubscribers > a.Subscribers)
        {
            problems.Add(string.Create(inv, $"subscribers: {a.Subscribers} over {a.Count} agents, {a.ExpectedSubscribers} expected"));
        }

        var day = (long)TimeSpan.FromDays(1).TotalMilliseconds;
        if (new[] { a.DurationMs, a.WarmupMs, a.CostProbeMs }.Any(t => t is < 0 or > 86_400_000) || a.DurationMs == 0
            || a.ReadyTimeoutMs is < 1 || a.ReadyTimeoutMs > day)
        {
            problems.Add("duration_ms/warmup_ms/cost_probe_ms/ready_timeout_ms: not durations of up to a day");
        }

        return problems;
    }

    /// <summary>The run's settings, all agents together, as <c>bench run</c> chose them.</summary>
    private static ScenarioSettings Settings(AgentAssignment a)
    {
        var push = ScenarioCatalog.Find("push")!;
        var plan = new RunPlan
        {
            Scenarios = [push],
            Transports = [TransportCatalog.Find(a.Transport)!],
            Profile = Profile.Quick,
            Duration = TimeSpan.FromMilliseconds(a.DurationMs),
            Warmup = TimeSpan.FromMilliseconds(a.WarmupMs),
            CostProbe = TimeSpan.FromMilliseconds(a.CostProbeMs),
            RatePerSec = a.RatePerSec,
            Subscribers = a.Subscribers,
            PayloadBytes = a.PayloadBytes,
        };
        return plan.SettingsFor(push);
    }

    private async Task<TcpClient?> ConnectAsync(string where, TextWriter error, TimeProvider clock, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        string last = "";
        while (!ct.IsCancellationRequested)
        {
            var client = new TcpClient { NoDelay = true };
            try
            {
                await client.ConnectAsync(host, port, ct).ConfigureAwait(false);
                return client;
            }
            catch (SocketException e)
            {
                client.Dispose();
                if (last.Length == 0)
                {
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"agent {index}: the coordinator at {where} is not reachable yet ({e.Message}); ") +
                        string.Create(CultureInfo.InvariantCulture, $"trying for {ConnectWait.TotalSeconds:0} s"));
                }

                last = e.Message;
            }
            catch (OperationCanceledException)
            {
                client.Dispose();
                break;
            }

            if (clock.GetElapsedTime(started) >= ConnectWait)
            {
                Fail(error, 0, string.Create(CultureInfo.InvariantCulture,
                    $"the coordinator at {where} was not reachable within {ConnectWait.TotalSeconds:0} s ({last})"));
                return null;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>Tells the coordinator why this agent fails (one bounded line), if it still listens.</summary>
    private static async Task TellAsync(ProtocolStream stream, string line)
    {
        var one = line.ReplaceLineEndings(" ");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await stream.WriteLineAsync(one.Length > 1000 ? one[..1000] + "…" : one, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The coordinator has gone; the error line says it all.
        }
    }

    private int Fail(TextWriter error, int code, string why)
    {
        var prefix = "agent " + index.ToString(CultureInfo.InvariantCulture) + ": ";
        error.WriteLine("error: " + (why.StartsWith(prefix, StringComparison.Ordinal) ? why : prefix + why));
        return code;
    }
}
