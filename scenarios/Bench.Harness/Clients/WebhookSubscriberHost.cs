using Bench.Targets.Hosting;
using Bench.Targets.Receiver;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Harness.Clients;

/// <summary>
/// The webhook subscribers of a push run: one receiver hosted in the harness on loopback, one endpoint path a
/// subscriber (<c>/webhook/{stream}</c>), verifying signatures as any receiver must before handing bodies to the accounting.
/// </summary>
public sealed class WebhookSubscriberHost : IAsyncDisposable
{
    private readonly RunningTarget receiver;

    private WebhookSubscriberHost(RunningTarget receiver) => this.receiver = receiver;

    /// <summary>Where the dispatcher sends: the HTTPS URL under TLS, else the plain one.</summary>
    public string BaseUrl => receiver.SecureUrl ?? receiver.Url;

    public ReceiverStats Stats() => receiver.Services.GetRequiredService<ReceiverCounters>().Snapshot();

    /// <summary>An endpoint on the receiver's own address: every endpoint shares one origin (the <c>one-origin</c> variant).</summary>
    public string UrlOf(string stream) => BaseUrl + "/webhook/" + Uri.EscapeDataString(stream);

    /// <summary>
    /// An endpoint with its own origin, <c>e{index}.localhost</c> on the receiver's port: the dispatcher keeps one
    /// connection pool per origin, so each endpoint gets its own connections (and TLS sessions), as endpoints on
    /// different hosts do in production. Every such name is loopback (RFC 6761); the dispatcher connects it there.
    /// </summary>
    public string UrlOf(string stream, int index, string? baseUrl = null) =>
        new UriBuilder(baseUrl ?? BaseUrl) { Host = OriginHost(index) }.Uri.GetLeftPart(UriPartial.Authority) + "/webhook/" +
            Uri.EscapeDataString(stream);

    /// <summary>The host name of endpoint <paramref name="index"/>'s own origin.</summary>
    public static string OriginHost(int index) => "e" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".localhost";

    public static async Task<WebhookSubscriberHost> StartAsync(
        string secret, DeliveryAccounting accounting, int maxBodyBytes, CancellationToken ct, Func<string, TimeSpan>? processingTime = null,
        DeliveryWire? wire = null,
        Func<string, (int Status, int RetryAfterSeconds)?>? refusal = null)
    {
        var receiver = await TargetHost.StartReceiverAsync(
            o =>
            {
                o.Secret = secret;
                o.MaxBodyBytes = maxBodyBytes;
                o.MaxDecompressedBytes = maxBodyBytes;
            },
            services: s => s.AddSingleton<IWebhookObserver>(new AccountingObserver(accounting, processingTime, refusal)),
            ct: ct,
            listen: wire?.ReceiverListen()).ConfigureAwait(false);
        return new WebhookSubscriberHost(receiver);
    }

    public ValueTask DisposeAsync() => receiver.DisposeAsync();

    private sealed class AccountingObserver(DeliveryAccounting accounting, Func<string, TimeSpan>? processingTime,
        Func<string, (int, int)?>? refusal) : IWebhookObserver
    {
        public void OnAccepted(ReadOnlySpan<byte> body, long arrivalTimestamp) => _ = accounting.OnArrival(body, arrivalTimestamp);

        public TimeSpan ProcessingTime(string path) => processingTime?.Invoke(path) ?? TimeSpan.Zero;

        public (int Status, int RetryAfterSeconds)? Refusal(string path) => refusal?.Invoke(path);
    }
}
