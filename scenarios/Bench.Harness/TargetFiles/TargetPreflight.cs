using System.Net.WebSockets;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles.Publishers;
using Bench.Harness.Transports;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// Before a run, proves a target file against its system: a subscriber connects, one event is published, it must
/// arrive with Bench's envelope where the file says, and the rtt endpoint must answer. Each failure is one line naming
/// the file's field at fault (exit 2), so a run never starts against a system it cannot measure.
/// </summary>
public static class TargetPreflight
{
    public static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(5);

    public static async Task CheckAsync(TargetFile file, CancellationToken ct)
    {
        if (file.ServerSource is not null)
        {
            await ServerSource.ServerSourcePreflight.CheckAsync(file, ct).ConfigureAwait(false);
            return;
        }

        var recorder = new RunRecorder(TimeProvider.System, TimeSpan.Zero, 60);
        recorder.Begin(TimeProvider.System.GetTimestamp());
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriberName = file.Subscribe.Receiver is null ? "preflight" : "s0";
        var accounting = new DeliveryAccounting(recorder, [subscriberName]) { OnDistinctArrival = (_, _) => arrived.TrySetResult() };
        var probe = new PreflightProbe(file, new TemplateValues(FilePushFanOut.NewStream()), accounting, arrived.Task, subscriberName);
        await file.Transport.PreflightAsync(probe, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The check of a transport whose subscribers connect: a subscriber connects, one event is published and must
    /// arrive with Bench's envelope where the file says; then the rtt endpoint, if the file gives one, must answer.
    /// </summary>
    internal static async Task CheckSubscriberAsync(PreflightProbe probe, CancellationToken ct)
    {
        var (file, values, accounting, arrived) = (probe.File, probe.Values, probe.Accounting, probe.Arrived);
        string Field(string field, string problem) => probe.Field(field, problem);
        IStreamSubscriber subscriber;
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connect.CancelAfter(ArrivalTimeout);
            subscriber = await FileSubscribers.ConnectAsync(file, values, "preflight", connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException
            or InvalidOperationException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            var url = Redacted(file, TemplateText.FillUrl(file.Subscribe.Url!, values));
            throw new TargetFileException(Field("subscribe.url", $"could not connect to {url}: {Reason(e)}"));
        }

        await using (subscriber.ConfigureAwait(false))
        {
            subscriber.Start(accounting, TimeProvider.System, 16 * 1024 * 1024);
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct).ConfigureAwait(false);
            await probe.PublishOnceAsync(ct).ConfigureAwait(false);

            var deadline = TimeProvider.System.GetTimestamp()
                + (long)(ArrivalTimeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
            while (!arrived.IsCompleted && TimeProvider.System.GetTimestamp() < deadline
                && FileSubscribers.LastUnreadable(subscriber) is null)
            {
                await Task.Delay(20, ct).ConfigureAwait(false);
            }

            if (!arrived.IsCompleted)
            {
                throw new TargetFileException(FileSubscribers.LastUnreadable(subscriber) is { } unreadable
                    ? Unreadable(probe, unreadable)
                    : Field("subscribe", $"no event arrived within {ArrivalTimeout.TotalSeconds:0} s of a publish the system accepted: "
                        + $"check {file.Transport.SubscribeFields(file.Subscribe)}, "
                        + $"and that {file.Publish.Field} reaches the same {{stream}}"));
            }
        }

        if (file.Rtt is not null)
        {
            await CheckRttAsync(file, ct).ConfigureAwait(false);
        }
    }

    /// <summary>A message arrived that held no readable event: one line naming the envelope's field at fault.</summary>
    internal static string Unreadable(PreflightProbe probe, string why)
    {
        var (field, problem) = probe.File.Envelope.Unreadable(why);
        return probe.Field(field, problem);
    }

    private static async Task CheckRttAsync(TargetFile file, CancellationToken ct)
    {
        var field = file.Rtt!.Url is not null ? "rtt.url" : "rtt.http";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ArrivalTimeout);
            var setup = new RttSetup(1, 1024 * 1024, Plan.VariantName.Default, DeliveryWire.Plain(), false);
            await using var session = await FileRtt.StartAsync(file, setup, timeout.Token).ConfigureAwait(false);
            var it = new IterationContext(1, TimeProvider.System.GetTimestamp(), 0);
            await session.ExchangeAsync(it, new Payloads(16), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException
            or IterationFailedException or System.Net.Sockets.SocketException)
        {
            throw new TargetFileException($"{file.Path}: {field}: the round trip failed: {UrlText.Masked(Reason(e), file.SecretValues)}");
        }
    }

    /// <summary>A URL as an error line may show it: no user info or query, none of the file's secret values.</summary>
    internal static string Redacted(TargetFile file, string url) => UrlText.ForMessage(url, file.SecretValues);

    internal static string Reason(Exception e) => e switch
    {
        OperationCanceledException => $"no answer within {ArrivalTimeout.TotalSeconds:0} s",
        IterationFailedException f => f.Kind,
        _ => (e.InnerException?.Message ?? e.Message).Split('\n')[0],
    };
}

/// <summary>
/// What a preflight gives a transport's binding to check a target file with: the file, the run's placeholder values
/// (its own stream), the accounting of the one subscriber, and the task that completes when an event arrives there.
/// </summary>
public sealed record PreflightProbe(TargetFile File, TemplateValues Values, DeliveryAccounting Accounting, Task Arrived, string Subscriber)
{
    /// <summary>One line naming the file's field at fault, with none of its secret values.</summary>
    public string Field(string field, string problem) => $"{File.Path}: {field}: {UrlText.Masked(problem, File.SecretValues)}";

    /// <summary>Makes the system publish one event as the file's publish section says; a refusal is one line naming that field.</summary>
    public async Task PublishOnceAsync(CancellationToken ct)
    {
        var publish = File.Publish;
        ITargetPublisher publisher;
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connect.CancelAfter(TargetPreflight.ArrivalTimeout);
            var setup = new PublishSetup(Values.Stream, new Payloads(16), TimeProvider.System, File.Hosts, null);
            publisher = await publish.ConnectAsync(setup, connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (FilePublishers.IsConnectFailure(e) && !ct.IsCancellationRequested)
        {
            throw new TargetFileException(Field(publish.Field, $"could not connect to {Url()}: {TargetPreflight.Reason(e)}"));
        }

        await using (publisher.ConfigureAwait(false))
        {
            try
            {
                await publisher.PublishAsync(1, TimeProvider.System.GetTimestamp(), ct).ConfigureAwait(false);
            }
            catch (IterationFailedException e)
            {
                throw new TargetFileException(Field(publish.Field, e.Kind == "unreachable"
                    ? $"could not reach {Url()}: " + TargetPreflight.Reason(e.InnerException ?? e)
                    : $"the publish request was refused ({e.Kind})"
                        + (e.InnerException is { } inner ? ": " + TargetPreflight.Reason(inner) : "")));
            }
        }
    }

    private string Url() => TargetPreflight.Redacted(File, TemplateText.FillUrl(File.Publish.Url, Values));
}
