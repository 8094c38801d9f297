using System.Net.WebSockets;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
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
        string Field(string field, string problem) => $"{file.Path}: {field}: {UrlText.Masked(problem, file.SecretValues)}";
        var stream = FilePushFanOut.NewStream();
        var values = new TemplateValues(stream);
        var recorder = new RunRecorder(TimeProvider.System, TimeSpan.Zero, 60);
        recorder.Begin(TimeProvider.System.GetTimestamp());
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriberName = file.Subscribe.Receiver is null ? "preflight" : "s0";
        var accounting = new DeliveryAccounting(recorder, [subscriberName]) { OnDistinctArrival = (_, _) => arrived.TrySetResult() };
        if (!file.Transport.SubscribersConnect)
        {
            await CheckWebhookAsync(file, values, accounting, arrived.Task, subscriberName, Field, ct).ConfigureAwait(false);
            return;
        }

        IStreamSubscriber subscriber;
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connect.CancelAfter(ArrivalTimeout);
            subscriber = await FileSubscribers.ConnectAsync(file, values, "preflight", connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException or InvalidOperationException
            or System.Net.Sockets.SocketException or InvalidDataException)
        {
            var url = Redacted(file, TemplateText.FillUrl(file.Subscribe.Url!, values));
            throw new TargetFileException(Field("subscribe.url", $"could not connect to {url}: {Reason(e)}"));
        }

        await using (subscriber.ConfigureAwait(false))
        {
            subscriber.Start(accounting, TimeProvider.System, 16 * 1024 * 1024);
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct).ConfigureAwait(false);
            await using var publisher = new HttpEventPublisher(file.Publish, stream, new Payloads(16), TimeProvider.System);
            try
            {
                await publisher.PublishAsync(1, TimeProvider.System.GetTimestamp(), ct).ConfigureAwait(false);
            }
            catch (IterationFailedException e)
            {
                throw new TargetFileException(Field("publish.http", e.Kind == "unreachable"
                    ? $"could not reach {Redacted(file, TemplateText.FillUrl(file.Publish.Url, values))}: {Reason(e.InnerException ?? e)}"
                    : $"the publish request was refused ({e.Kind})"));
            }

            var deadline = TimeProvider.System.GetTimestamp() + (long)(ArrivalTimeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
            while (!arrived.Task.IsCompleted && TimeProvider.System.GetTimestamp() < deadline && FileSubscribers.LastUnreadable(subscriber) is null)
            {
                await Task.Delay(20, ct).ConfigureAwait(false);
            }

            if (!arrived.Task.IsCompleted)
            {
                throw new TargetFileException(FileSubscribers.LastUnreadable(subscriber) is { } unreadable
                    ? Field("envelope.json", $"a message arrived, but {unreadable} with Bench's envelope in it")
                    : Field("subscribe", $"no event arrived within {ArrivalTimeout.TotalSeconds:0} s of a publish the system accepted: "
                        + $"check {file.Transport.SubscribeFields(file.Subscribe)}, and that publish.http reaches the same {{stream}}"));
            }
        }

        if (file.Rtt is not null)
        {
            await CheckRttAsync(file, ct).ConfigureAwait(false);
        }
    }

    private static async Task CheckWebhookAsync(
        TargetFile file, TemplateValues values, DeliveryAccounting accounting, Task arrived, string subscriber, Func<string, string, string> field, CancellationToken ct)
    {
        await using var receivers = await FileWebhookReceivers.StartAsync(file, accounting, TimeProvider.System, 1024 * 1024, ct).ConfigureAwait(false);
        if (file.Subscribe.Register is { } register
            && await FileWebhookFanOut.RegisterAsync(
                register, values with { Receiver = receivers.UrlOf(subscriber), Secret = file.Subscribe.Secret ?? "" },
                file.SecretValues, ct).ConfigureAwait(false) is { } refused)
        {
            throw new TargetFileException(field("subscribe.register", refused));
        }

        await using var publisher = new HttpEventPublisher(file.Publish, values.Stream, new Payloads(16), TimeProvider.System);
        try
        {
            await publisher.PublishAsync(1, TimeProvider.System.GetTimestamp(), ct).ConfigureAwait(false);
        }
        catch (IterationFailedException e)
        {
            throw new TargetFileException(field("publish.http", e.Kind == "unreachable"
                ? $"could not reach {Redacted(file, TemplateText.FillUrl(file.Publish.Url, values))}: {Reason(e.InnerException ?? e)}"
                : $"the publish request was refused ({e.Kind})"));
        }

        var deadline = TimeProvider.System.GetTimestamp() + (long)(ArrivalTimeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!arrived.IsCompleted && TimeProvider.System.GetTimestamp() < deadline && receivers.LastUnreadable is null && receivers.Rejected == 0)
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        if (!arrived.IsCompleted)
        {
            throw new TargetFileException(
                receivers.Rejected > 0 ? field("subscribe.secret", "a delivery arrived but failed signature verification: is it the secret the sender signs with?")
                : receivers.LastUnreadable is { } unreadable ? field("envelope.json", $"a delivery arrived, but {unreadable} with Bench's envelope in it")
                : field("subscribe", $"no delivery arrived within {ArrivalTimeout.TotalSeconds:0} s of a publish the sender accepted: "
                    + $"check {file.Transport.SubscribeFields(file.Subscribe)}, and that publish.http reaches the same {{stream}}"));
        }
    }

    private static async Task CheckRttAsync(TargetFile file, CancellationToken ct)
    {
        var field = file.Rtt!.Url is not null ? "rtt.url" : "rtt.http";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ArrivalTimeout);
            await using var session = await FileRtt.StartAsync(file, new RttSetup(1, 1024 * 1024, Plan.VariantName.Default, DeliveryWire.Plain(), false), timeout.Token).ConfigureAwait(false);
            await session.ExchangeAsync(new IterationContext(1, TimeProvider.System.GetTimestamp(), 0), new Payloads(16), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException or IterationFailedException
            or System.Net.Sockets.SocketException)
        {
            throw new TargetFileException($"{file.Path}: {field}: the round trip failed: {UrlText.Masked(Reason(e), file.SecretValues)}");
        }
    }

    /// <summary>A URL as an error line may show it: no user info or query, none of the file's secret values.</summary>
    private static string Redacted(TargetFile file, string url) => UrlText.ForMessage(url, file.SecretValues);

    private static string Reason(Exception e) => e switch
    {
        OperationCanceledException => $"no answer within {ArrivalTimeout.TotalSeconds:0} s",
        IterationFailedException f => f.Kind,
        _ => (e.InnerException?.Message ?? e.Message).Split('\n')[0],
    };
}
