using System.Net;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.TargetFiles;

namespace Bench.Harness.Transports.Webhook;

/// <summary>
/// <c>transport: webhook</c> in a target file: the user's sender calls Bench's receivers on loopback, registered with it
/// (<c>subscribe.register</c>) or at the one URL it already delivers to (<c>subscribe.receiver</c>), and signed with
/// Standard Webhooks (<c>subscribe.secret</c>) unless <c>signing: none</c>.
/// </summary>
public sealed class WebhookFileBinding : ITargetFileBinding
{
    public string Name => "webhook";

    public bool SubscribersConnect => false;

    public string SubscriberNoun => "registered endpoint";

    public string WireCountedOn => "Bench's webhook receiver server sockets";

    /// <summary>None: faults against a webhook target file are not measured (<see cref="Unsupported"/>).</summary>
    public string? FaultBehaviour => null;

    public bool PingsWhenIdle => false;

    public SubscribeSpec Subscribe(SubscribeModel section, IReadOnlyDictionary<string, string> headers, TargetFileFields fields)
    {
        if (section.Register is null == section.Receiver is null)
        {
            throw fields.Fail("subscribe", "webhooks: give either register (a request that registers {receiver} with your sender) "
                + "or receiver (the URL your sender already delivers to)");
        }

        var signing = fields.OneOf("subscribe.signing", section.Signing ?? "standard-webhooks", ["standard-webhooks", "none"]);
        var secret = signing == "none" ? null
            : section.Secret is null ? throw fields.Fail("subscribe.secret", "required to verify standard-webhooks signatures: ${env:NAME}")
            : fields.Secrets("subscribe.secret", section.Secret);
        if (secret is not null && !secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            throw fields.Fail("subscribe.secret", "a Standard Webhooks secret starts with whsec_");
        }

        var receiver = section.Receiver is null ? null : fields.Url("subscribe.receiver", section.Receiver, "http");
        if (receiver is not null && !(IPAddress.TryParse(new Uri(receiver).Host, out var ip) && IPAddress.IsLoopback(ip)))
        {
            throw fields.Fail("subscribe.receiver",
                "Bench's receiver listens on a loopback address given as an IP (http://127.0.0.1:PORT/...)");
        }

        var register = section.Register is null ? null : fields.Http("subscribe.register.http", section.Register.Http, bodyDefault: null);
        return new SubscribeSpec(null, headers, null, null, [], null, register, receiver, secret)
        {
            Listen = section.Listen is null ? null : Listen(section.Listen, receiver, secret, fields),
            ListenReference = section.Listen is { } written && TargetFileFields.ReadsEnvironment(written) ? written : null,
        };
    }

    /// <summary>
    /// <c>subscribe.listen</c>: an IP address of this machine, written as one (it goes into <c>{receiver}</c>, so not
    /// 0.0.0.0) or read from the environment (<c>${env:NAME}</c>: each agent's own address, as its pod or host gives it),
    /// not with <c>subscribe.receiver</c>; beyond loopback only with signatures verified.
    /// </summary>
    private static string Listen(string written, string? receiver, string? secret, TargetFileFields fields)
    {
        if (receiver is not null)
        {
            throw fields.Fail("subscribe.listen", "not with subscribe.receiver, whose URL says where Bench listens");
        }

        var given = fields.Environment("subscribe.listen", written);
        var from = given == written ? "" : $" (from {written})";
        if (!IPAddress.TryParse(given, out var address)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && given.Split('.').Length != 4))
        {
            throw fields.Fail("subscribe.listen", $"'{given}'{from} is not an IP address (192.0.2.10, or an IPv6 address)");
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            throw fields.Fail("subscribe.listen",
                $"{given}{from} is no address a sender can be given in {{receiver}}: name the address of this machine it reaches");
        }

        if (secret is null && !IPAddress.IsLoopback(address))
        {
            throw fields.Fail("subscribe.signing",
                "none is refused when subscribe.listen is beyond loopback: anyone who reaches the receivers could post events; "
                + "use standard-webhooks with subscribe.secret");
        }

        return address.ToString();
    }

    public string? Unsupported(string scenario) => scenario switch
    {
        "faults" => "faults against a webhook target file are not measured by this version of Bench "
            + "(the proxy would sit between its sender and Bench's receivers)",
        "connections" =>
            "connections of a webhook target file would be endpoints registered with its sender: not measured by this version of Bench",
        _ => null,
    };

    public Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, SubscriberOptions options, CancellationToken ct) =>
        throw new NotSupportedException("webhook subscribers connect through Bench's receiver");

    public async Task<IPushFanOut> StartPushAsync(ScenarioContext context, TargetFile file, PushSetup setup, CancellationToken ct) =>
        await FileWebhookFanOut.StartAsync(context, file, setup, ct).ConfigureAwait(false);

    /// <summary>
    /// Bench's receiver listens (and is registered with the sender, if the file says how), one event is published, and
    /// its delivery must arrive signed with the file's secret and with Bench's envelope where the file says.
    /// </summary>
    public async Task PreflightAsync(PreflightProbe probe, CancellationToken ct)
    {
        var (file, values, arrived) = (probe.File, probe.Values, probe.Arrived);
        await using var receivers = await FileWebhookReceivers.StartAsync(file, probe.Accounting, TimeProvider.System, 1024 * 1024, ct)
            .ConfigureAwait(false);
        if (file.Subscribe.Register is { } register
            && await FileWebhookFanOut.RegisterAsync(
                register, values with { Receiver = receivers.UrlOf(probe.Subscriber), Secret = file.Subscribe.Secret ?? "" },
                file.SecretValues, ct).ConfigureAwait(false) is { } refused)
        {
            throw new TargetFileException(probe.Field("subscribe.register", refused));
        }

        await probe.PublishOnceAsync(ct).ConfigureAwait(false);
        var timeout = TargetPreflight.ArrivalTimeout;
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!arrived.IsCompleted && TimeProvider.System.GetTimestamp() < deadline
            && receivers.LastUnreadable is null && receivers.Rejected == 0)
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        if (!arrived.IsCompleted)
        {
            throw new TargetFileException(
                receivers.Rejected > 0
                    ? probe.Field(
                        "subscribe.secret", "a delivery arrived but failed signature verification: is it the secret the sender signs with?")
                : receivers.LastUnreadable is { } unreadable
                    ? TargetPreflight.Unreadable(probe, unreadable)
                : probe.Field("subscribe", $"no delivery arrived within {timeout.TotalSeconds:0} s of a publish the sender accepted: "
                    + $"check {SubscribeFields(file.Subscribe)}, and that {file.Publish.Field} reaches the same {{stream}}"));
        }
    }

    public string SubscribeFields(SubscribeSpec spec) => spec.Register is null ? "subscribe.receiver" : "subscribe.register";
}
