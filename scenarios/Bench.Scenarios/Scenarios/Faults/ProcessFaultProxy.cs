using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Bench.Scenarios.Targets;
using Bench.Targets;
using Bench.Targets.Faults;

namespace Bench.Scenarios.Scenarios.Faults;

/// <summary>
/// A fault proxy running as its own process (<c>bench proxy --control --parent-pid …</c>), started, watched and killed
/// as the targets are (<see cref="TargetProcess"/>): it exits when the harness does, and is killed on Ctrl-C or failure.
/// The harness drives it over its loopback control routes with a bearer token made for it alone.
/// </summary>
public sealed class ProcessFaultProxy : IFaultProxy
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // No redirect is followed: the token goes to the proxy's own control URL only.
    private static readonly HttpClient Http =
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private readonly TargetProcess process;
    private readonly string control;
    private readonly string token;

    private ProcessFaultProxy(TargetProcess process, int port, string control, string token)
    {
        this.process = process;
        Port = port;
        this.control = control;
        this.token = token;
    }

    public int Port { get; }

    /// <summary>The base URL of its control routes (loopback, behind the token).</summary>
    public string ControlUrl => control;

    /// <summary>The proxy's process id (its descriptors are read from <c>/proc/PID/fd</c>).</summary>
    public int ProcessId => process.ProcessId;

    /// <summary>Completes when the proxy's process exits.</summary>
    public Task<int> Exited => process.Exited;

    /// <summary>
    /// Starts a proxy to <paramref name="upstream"/> (loopback only), listening on the same family's loopback, any free port.
    /// </summary>
    public static async Task<ProcessFaultProxy> StartAsync(IPEndPoint upstream, TimeSpan readyTimeout, CancellationToken ct)
    {
        if (!IPAddress.IsLoopback(upstream.Address))
        {
            throw new ArgumentException(
                $"the upstream {upstream} is not on loopback; the fault proxy only forwards to 127.0.0.0/8 or ::1", nameof(upstream));
        }

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

        return new ProcessFaultProxy(process, at.Port, controlAt, token);
    }

    public Task SetToxicsAsync(Toxics toxics, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, "/toxics?" + FaultProxyControl.Query(toxics), RequestTimeout, ct);

    public Task ResetPeersAsync(CancellationToken ct) => SendAsync(HttpMethod.Post, "/reset-peer", RequestTimeout, ct);

    public Task DownAsync(TimeSpan duration, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "/down?ms=" + duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture),
            duration + RequestTimeout, ct);

    public async Task<FaultProxyCounts> CountsAsync(CancellationToken ct)
    {
        using var response = await SendRawAsync(HttpMethod.Get, "/counts", RequestTimeout, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(TargetsJson.Default.FaultProxyCounts, ct).ConfigureAwait(false)
            ?? throw new TargetFailedException("the fault proxy's /counts answered nothing");
    }

    private async Task SendAsync(HttpMethod method, string route, TimeSpan timeout, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, route, timeout, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string route, TimeSpan timeout, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, control + route);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
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

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
