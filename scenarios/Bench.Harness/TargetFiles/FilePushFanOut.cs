using System.Globalization;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.TargetFiles.Publishers;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Warnings;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// A push run against a target file's system: one subscriber per accounting stream, all on one shared stream of the
/// user's system (<c>{stream}</c>), and a publisher that makes the system emit each event as the file's publish
/// section says.
/// </summary>
internal sealed class FilePushFanOut(
    TargetFile file, ExternalTarget target, string stream, IReadOnlyList<IStreamSubscriber> subscribers, TimeProvider clock)
    : IPushFanOut
{
    private readonly List<ITargetPublisher> publishers = [];

    public ITargetHandle Target => target;

    /// <summary>A stream name of this run's own, so that runs do not see each other's events.</summary>
    public static string NewStream() => "bench-" + Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x", CultureInfo.InvariantCulture);

    public static async Task<FilePushFanOut> StartAsync(ScenarioContext context, TargetFile file, PushSetup setup, CancellationToken ct)
    {
        var stream = setup.Attached?.Stream ?? NewStream();
        var values = new TemplateValues(stream);
        var target = new ExternalTarget(file.Name, TemplateText.FillUrl(file.Publish.Url, values), file.Pid);
        var subscribers = new List<IStreamSubscriber>();
        try
        {
            foreach (var batch in setup.Streams.Chunk(32))
            {
                var connecting = batch.Select(name => FileSubscribers.ConnectOrFailAsync(file, values, name, ct, wire: setup.Wire));
                subscribers.AddRange(await Task.WhenAll(connecting).ConfigureAwait(false));
            }

            foreach (var subscriber in subscribers)
            {
                subscriber.Start(setup.Accounting, context.Clock, setup.MaxMessage);
            }

            // The user's system says nothing when a subscription takes: give subscribe messages a moment (warm-up follows).
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct).ConfigureAwait(false);
            return new FilePushFanOut(file, target, stream, subscribers, context.Clock);
        }
        catch
        {
            await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
            target.Dispose();
            throw;
        }
    }

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct)
    {
        var publisher = await FilePublishers.ConnectOrFailAsync(file, stream, payloads, clock, target, ct).ConfigureAwait(false);
        publishers.Add(publisher);
        return publisher;
    }

    public Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct) => Task.FromResult(SubscriberHealth.Errors(subscribers));

    public IEnumerable<RunWarning> Warnings()
    {
        if (target.NotMeasuredWarning(file) is { } notMeasured)
        {
            yield return notMeasured;
        }

        if (subscribers.Select(FileSubscribers.LastUnreadable).FirstOrDefault(u => u is not null) is { } unreadable)
        {
            yield return WarningKinds.UnreadableEnvelope.Messages(file.Envelope.Field, file.Envelope.Text, unreadable);
        }

        foreach (var warning in publishers.Select(p => p.Warning).OfType<RunWarning>())
        {
            yield return warning;
        }

        foreach (var warning in SubscriberHealth.Warnings(subscribers))
        {
            yield return warning;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        target.Dispose();
    }
}
