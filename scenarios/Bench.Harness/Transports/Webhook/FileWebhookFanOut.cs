using System.Globalization;
using System.Text;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.TargetFiles;
using Bench.Harness.TargetFiles.Publishers;
using Bench.Harness.Targets;
using Bench.Reports.Warnings;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// A push run against a target file's webhook sender: Bench's receivers on loopback, one endpoint per subscriber
/// registered with the sender (or the one URL it already delivers to), and a publisher that makes the sender emit.
/// </summary>
internal sealed class FileWebhookFanOut(TargetFile file, ExternalTarget target, string stream, FileWebhookReceivers receivers,
    TimeProvider clock) : IPushFanOut
{
    private readonly List<ITargetPublisher> publishers = [];

    public ITargetHandle Target => target;

    public static async Task<FileWebhookFanOut> StartAsync(ScenarioContext context, TargetFile file, PushSetup setup, CancellationToken ct)
    {
        var stream = setup.Attached?.Stream ?? FilePushFanOut.NewStream();
        var receivers = await FileWebhookReceivers.StartAsync(file, setup.Accounting, context.Clock, setup.MaxMessage, ct,
            setup.Wire.Meter).ConfigureAwait(false);
        var target = new ExternalTarget(file.Name, TemplateText.FillUrl(file.Publish.Url, new TemplateValues(stream)), file.Pid);
        try
        {
            if (file.Subscribe.Register is { } register)
            {
                foreach (var name in setup.Streams)
                {
                    var values = new TemplateValues(stream, "", receivers.UrlOf(name), file.Subscribe.Secret ?? "");
                    if (await RegisterAsync(register, values, file.SecretValues, ct).ConfigureAwait(false) is { } refused)
                    {
                        throw new TargetFailedException($"{file.Path}: subscribe.register: {refused}");
                    }
                }
            }

            return new FileWebhookFanOut(file, target, stream, receivers, context.Clock);
        }
        catch
        {
            await receivers.DisposeAsync().ConfigureAwait(false);
            target.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one registration; null when the sender took it, else why not (URLs written without
    /// <paramref name="secrets"/>). A redirect is not followed: the registration carries the file's headers and secret,
    /// which go only to the hosts the file names.
    /// </summary>
    public static async Task<string?> RegisterAsync(
        HttpTemplate register, TemplateValues values, IEnumerable<string> secrets, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(new HttpMethod(register.Method), TemplateText.FillUrl(register.Url, values));
        if (register.Body is { } body)
        {
            request.Content = new StringContent(TemplateText.Fill(body, values), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in register.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            if ((int)response.StatusCode is >= 300 and < 400)
            {
                var to = response.Headers.Location is { } location
                    ? " to " + UrlText.ForMessage(location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location), secrets)
                    : "";
                return $"the sender answered {status}, a redirect{to}; Bench follows none: register at the URL that takes the request";
            }

            return $"the sender refused the registration ({status})";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"could not reach {UrlText.ForMessage(request.RequestUri!, secrets)}: {e.Message.Split('\n')[0]}";
        }
    }

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct)
    {
        var publisher = await FilePublishers.ConnectOrFailAsync(file, stream, payloads, clock, target, ct).ConfigureAwait(false);
        publishers.Add(publisher);
        return publisher;
    }

    public Task<Dictionary<string, long>> TargetErrorsAsync(CancellationToken ct)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        if (receivers.Rejected > 0)
        {
            errors["receiver_rejected_signature"] = receivers.Rejected;
        }

        return Task.FromResult(errors);
    }

    public IEnumerable<RunWarning> Warnings()
    {
        if (target.NotMeasuredWarning(file) is { } notMeasured)
        {
            yield return notMeasured;
        }

        if (receivers.LastUnreadable is { } unreadable)
        {
            yield return WarningKinds.UnreadableEnvelope.Deliveries(file.Envelope.Field, file.Envelope.Text, unreadable);
        }

        if (receivers.Rejected > 0)
        {
            yield return WarningKinds.SignatureRejected.Of(receivers.Rejected);
        }

        foreach (var warning in publishers.Select(p => p.Warning).OfType<RunWarning>())
        {
            yield return warning;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await receivers.DisposeAsync().ConfigureAwait(false);
        target.Dispose();
    }
}
