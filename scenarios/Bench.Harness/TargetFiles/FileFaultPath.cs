using System.Globalization;
using System.Net;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Targets;
using Bench.Harness.Transports;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// Faults against a target file's system: a fault proxy on loopback in front of the host and port its subscribers
/// connect to (the file's host, and nowhere else), the subscribers connecting through it, and the publisher going
/// directly. A restart is not Bench's to make on a system it did not start.
/// </summary>
internal sealed class FileFaultPath(
    TargetFile file, ExternalTarget target, IFaultProxy proxy, string stream, IReadOnlyList<IStreamSubscriber> subscribers,
    TimeProvider clock) : IFaultPath
{
    public ITargetHandle Target => target;

    public IFaultProxy Proxy => proxy;

    public IEnumerable<long> Detections => subscribers.SelectMany(s => s.Detections);

    public long ReconnectAttempts => subscribers.Sum(s => (long)s.ReconnectAttempts);

    public string Behaviour =>
        file.Transport.FaultBehaviour
        ?? throw new NotSupportedException($"faults against a {file.Transport.Name} target file are not measured");

    public static async Task<FileFaultPath> StartAsync(ScenarioContext context, TargetFile file, FaultSetup setup, CancellationToken ct)
    {
        var stream = FilePushFanOut.NewStream();
        var values = new TemplateValues(stream);
        var subscribeUri = new Uri(TemplateText.FillUrl(file.Subscribe.Url!, values));
        var upstream = await ResolveAsync(subscribeUri, ct).ConfigureAwait(false);
        var proxy = await ProcessFaultProxy.StartAsync(upstream, setup.Streams.Count, context.ReadyTimeout, ct).ConfigureAwait(false);
        TargetFile ViaProxy(int i) =>
            file with { Subscribe = file.Subscribe with { Url = ThroughProxy(file.Subscribe.Url!, proxy.PortFor(i)) } };
        var target = new ExternalTarget(file.Name, TemplateText.FillUrl(file.Publish.Url, values), file.Pid);
        var subscribers = new List<IStreamSubscriber>();
        try
        {
            foreach (var (i, name) in setup.Streams.Index())
            {
                var subscriber = FileSubscribers.ConnectOrFailAsync(ViaProxy(i), values, name, ct, () => setup.ProcessingTime(name));
                subscribers.Add(await subscriber.ConfigureAwait(false));
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Start(setup.Accounting, context.Clock, setup.MaxMessage);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), ct).ConfigureAwait(false);
            return new FileFaultPath(file, target, proxy, stream, subscribers, context.Clock);
        }
        catch
        {
            await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
            await proxy.DisposeAsync().ConfigureAwait(false);
            target.Dispose();
            throw;
        }
    }

    /// <summary>The subscribe URL with its authority replaced by the proxy's (same scheme, path and query).</summary>
    public static string ThroughProxy(string url, int port)
    {
        var uri = new Uri(TemplateText.Fill(url, TemplateValues.Sample));
        var authority = uri.IsDefaultPort ? uri.Host : uri.Authority;
        var start = url.IndexOf(authority, StringComparison.OrdinalIgnoreCase);
        var host = uri.HostNameType == UriHostNameType.IPv6 ? "[::1]" : "127.0.0.1";
        return url[..start] + host + ":" + port.ToString(CultureInfo.InvariantCulture) + url[(start + authority.Length)..];
    }

    private static async Task<IPEndPoint> ResolveAsync(Uri uri, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip)
            ? [ip]
            : await Dns.GetHostAddressesAsync(uri.Host, ct).ConfigureAwait(false);
        return new IPEndPoint(addresses[0], uri.Port);
    }

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await FilePublishers.ConnectOrFailAsync(file, stream, payloads, clock, target, ct).ConfigureAwait(false);

    public Task RestartAsync(TimeSpan down, CancellationToken ct) =>
        throw new NotSupportedException("a target file's system is not Bench's to restart");

    public Task<PathCounters> CountersAsync(CancellationToken ct) =>
        Task.FromResult(new PathCounters(0, 0, 0, SubscriberHealth.Errors(subscribers), null));

    /// <summary>Never asked: a target file declares the storm n/a (Bench cannot restart a system it did not start).</summary>
    public Task<(string Watched, long Value, long Attempts)> StormSampleAsync(CancellationToken ct) =>
        throw new NotSupportedException("a target file has no storm");

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        await proxy.DisposeAsync().ConfigureAwait(false);
        target.Dispose();
    }
}
