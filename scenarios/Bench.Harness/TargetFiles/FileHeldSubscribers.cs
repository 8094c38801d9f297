using System.Diagnostics;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Targets.Hosting;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// Idle subscribers of a target file's system for the connections scenario, opened in batches and held on one shared
/// stream; the fan-out time is measured as ever. Its memory is read only from the file's <c>process.pid</c> (resident,
/// without a managed heap figure), and otherwise not measured.
/// </summary>
internal sealed class FileHeldSubscribers(TargetFile file, ExternalTarget target, HeldSetup setup, string stream, ScenarioContext context)
    : IHeldSubscribers
{
    private readonly List<IStreamSubscriber> subscribers = [];
    private int attempted;

    public ITargetHandle Target => target;

    public int Count => subscribers.Count;

    public int SourceAddresses => 1;

    public double OpeningSeconds { get; private set; }

    /// <summary>
    /// Subscribers whose client pings (WebSocket) ping at the keep-alive interval; others keep what the system's protocol keeps.
    /// </summary>
    public double KeepAliveSeconds => file.Transport.PingsWhenIdle ? setup.KeepAlive.TotalSeconds : 0;

    public bool TimesConnects => true;

    public static FileHeldSubscribers Start(TargetFile file, HeldSetup setup, ScenarioContext context)
    {
        var stream = FilePushFanOut.NewStream();
        var target = new ExternalTarget(file.Name, TemplateText.FillUrl(file.Publish.Url, new TemplateValues(stream)), file.Pid);
        return new FileHeldSubscribers(file, target, setup, stream, context);
    }

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await FilePublishers.ConnectOrFailAsync(file, stream, payloads, context.Clock, target, ct).ConfigureAwait(false);

    public Task<MemoryStats?> MemoryAsync(CancellationToken ct) =>
        Task.FromResult(target.ResourcesMeasured ? new MemoryStats((long)(target.CurrentRssMiB() * 1048576), 0) : (MemoryStats?)null);

    public async Task<int> GrowToAsync(int total, IReadOnlyList<string> streams, List<long> connectUs, CancellationToken ct)
    {
        var failed = 0;
        var watch = Stopwatch.StartNew();
        var values = new TemplateValues(stream);
        while (attempted < total)
        {
            var batch = Enumerable.Range(attempted, Math.Min(50, total - attempted)).ToList();
            attempted += batch.Count;
            var opened = await Task.WhenAll(batch.Select(async i =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var subscriber = await FileSubscribers.ConnectAsync(file, values, streams[i], ct).ConfigureAwait(false);
                    return (Subscriber: (IStreamSubscriber?)subscriber, Us: (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException
                    or System.Net.Sockets.SocketException)
                {
                    return (null, 0L);
                }
            })).ConfigureAwait(false);
            foreach (var (subscriber, us) in opened)
            {
                if (subscriber is null)
                {
                    failed++;
                    continue;
                }

                subscriber.Start(setup.Accounting, context.Clock, setup.MaxMessage);
                subscribers.Add(subscriber);
                connectUs.Add(us);
            }
        }

        OpeningSeconds += watch.Elapsed.TotalSeconds;

        // The system says nothing when a subscription takes: give subscribe messages a moment before the first broadcast.
        await Task.Delay(TimeSpan.FromMilliseconds(300), ct).ConfigureAwait(false);
        return failed;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        target.Dispose();
    }
}
