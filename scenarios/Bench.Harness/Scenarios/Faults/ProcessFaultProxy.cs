using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Bench.Harness.Targets;
using Bench.Targets;
using Bench.Targets.Faults;

namespace Bench.Harness.Scenarios.Faults;

/// <summary>
/// A fault proxy running as processes of its own (<c>bench proxy --control --parent-pid …</c>), started, watched and
/// killed as the targets are (<see cref="TargetProcess"/>): they exit when the harness does, and are killed on Ctrl-C or
/// failure. The harness drives them over their loopback control routes with a bearer token made for each. Enough
/// processes share the subscribers that none passes its open-file limit (<see cref="SubscribersPerProcess"/>); every
/// fault is applied to all of them at once, and their counts add up.
/// </summary>
public sealed class ProcessFaultProxy : IFaultProxy
{
    /// <summary>
    /// Open files the proxy's process may hold for one subscriber at a storm's peak: a SignalR subscriber keeps two
    /// connections (its negotiation's, kept alive, and its WebSocket), each two sockets here, and one more while it
    /// reconnects. Measured: one process for 5,000 SignalR subscribers peaked at 19,464 descriptors (3.9 each).
    /// </summary>
    public const int DescriptorsPerSubscriber = 5;

    /// <summary>Descriptors a proxy process keeps free of subscribers: its control routes and the runtime's own.</summary>
    public const int DescriptorReserve = 500;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // No redirect is followed: the token goes to the proxy's own control URL only.
    private static readonly HttpClient Http =
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private readonly IReadOnlyList<Shard> shards;

    private ProcessFaultProxy(IReadOnlyList<Shard> shards) => this.shards = shards;

    /// <summary>The proxy processes: how many share the subscribers.</summary>
    public int Processes => shards.Count;

    public int Port => shards[0].Port;

    public int PortFor(int subscriber) => shards[subscriber % shards.Count].Port;

    /// <summary>The base URL of the first process's control routes (loopback, behind its token).</summary>
    public string ControlUrl => shards[0].Control;

    /// <summary>The first process's id (its descriptors are read from <c>/proc/PID/fd</c>).</summary>
    public int ProcessId => shards[0].Process.ProcessId;

    /// <summary>Completes when the first process exits.</summary>
    public Task<int> Exited => shards[0].Process.Exited;

    /// <summary>
    /// Subscribers one proxy process holds within an open-file limit of <paramref name="limit"/> (any number when unknown).
    /// </summary>
    public static int SubscribersPerProcess(long? limit) =>
        limit is { } l and < int.MaxValue ? (int)Math.Max(100, (l - DescriptorReserve) / DescriptorsPerSubscriber) : int.MaxValue;

    /// <summary>
    /// Starts the processes a proxy to <paramref name="upstream"/> (loopback only) needs for <paramref name="subscribers"/>,
    /// each listening on the same family's loopback, any free port.
    /// </summary>
    public static async Task<ProcessFaultProxy> StartAsync(
        IPEndPoint upstream, int subscribers, TimeSpan readyTimeout, CancellationToken ct)
    {
        if (!IPAddress.IsLoopback(upstream.Address))
        {
            throw new ArgumentException(
                $"the upstream {upstream} is not on loopback; the fault proxy only forwards to 127.0.0.0/8 or ::1", nameof(upstream));
        }

        // Started by this process, a proxy has its open-file limit.
        var perProcess = SubscribersPerProcess(Connections.ConnectionsScenario.OpenFileLimit());
        var count = (int)Math.Max(1, Math.Ceiling(subscribers / (double)perProcess));
        var starting = Enumerable.Range(0, count).Select(_ => StartShardAsync(upstream, readyTimeout, ct)).ToList();
        try
        {
            return new ProcessFaultProxy(await Task.WhenAll(starting).ConfigureAwait(false));
        }
        catch
        {
            foreach (var s in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await s.Result.Process.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task<Shard> StartShardAsync(IPEndPoint upstream, TimeSpan readyTimeout, CancellationToken ct)
    {
        var v6 = upstream.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var listen = new IPEndPoint(v6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0);
        var token = Clients.Secrets.NewToken();
        var process = await TargetProcess.StartCommandAsync("proxy", ["proxy", "--control"],
            ["--listen", listen.ToString(), "--upstream", upstream.ToString()],
            new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, readyTimeout, ct).ConfigureAwait(false);

        // "ready proxy 127.0.0.1:PORT -> UPSTREAM control http://127.0.0.1:CONTROL"
        var fields = process.ReadyFields;
        var at = fields.Count > 0 && IPEndPoint.TryParse(fields[0], out var e) ? e : null;
        var controlAt = fields.Count >= 5 && fields[3] == "control" ? fields[4] : null;
        if (at is null || controlAt is null)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw new TargetFailedException($"the fault proxy's ready line was not understood: '{string.Join(' ', fields)}'");
        }

        return new Shard(process, at.Port, controlAt, token);
    }

    public Task SetToxicsAsync(Toxics toxics, CancellationToken ct) =>
        AllAsync(s => SendAsync(s, HttpMethod.Put, "/toxics?" + FaultProxyControl.Query(toxics), RequestTimeout, ct));

    public Task ResetPeersAsync(CancellationToken ct) => AllAsync(s => SendAsync(s, HttpMethod.Post, "/reset-peer", RequestTimeout, ct));

    public Task DownAsync(TimeSpan duration, CancellationToken ct) =>
        AllAsync(s => SendAsync(
            s, HttpMethod.Post, "/down?ms=" + duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture),
            duration + RequestTimeout, ct));

    public async Task<FaultProxyCounts> CountsAsync(CancellationToken ct)
    {
        var counts = await Task.WhenAll(shards.Select(async s =>
        {
            using var response = await SendRawAsync(s, HttpMethod.Get, "/counts", RequestTimeout, ct).ConfigureAwait(false);
            return await response.Content.ReadFromJsonAsync(TargetsJson.Default.FaultProxyCounts, ct).ConfigureAwait(false)
                ?? throw new TargetFailedException("the fault proxy's /counts answered nothing");
        })).ConfigureAwait(false);
        return new FaultProxyCounts(
            counts.Sum(c => c.Active), counts.Sum(c => c.Accepted), counts.Sum(c => c.Refused), counts.Any(c => c.Down));
    }

    private Task AllAsync(Func<Shard, Task> action) => Task.WhenAll(shards.Select(action));

    private static async Task SendAsync(Shard shard, HttpMethod method, string route, TimeSpan timeout, CancellationToken ct)
    {
        using var response = await SendRawAsync(shard, method, route, timeout, ct).ConfigureAwait(false);
    }

    private static async Task<HttpResponseMessage> SendRawAsync(
        Shard shard, HttpMethod method, string route, TimeSpan timeout, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, shard.Control + route);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", shard.Token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            var process = shard.Process;
            throw new TargetFailedException(process.HasExited
                ? $"the fault proxy (pid {process.ProcessId}) exited with code {process.Exited.Result}"
                : $"the fault proxy did not answer {method} {route.Split('?')[0]} within {timeout.TotalSeconds:0} s: {e.Message}", e);
        }

        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            response.Dispose();
            throw new TargetFailedException(
                $"the fault proxy answered {(int)response.StatusCode} to {method} {route.Split('?')[0]}: {text}");
        }

        return response;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in shards)
        {
            await shard.Process.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record Shard(TargetProcess Process, int Port, string Control, string Token);
}
