using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Bench.Harness.Plan;
using Bench.Harness.Targets;
using Bench.Targets.Hosting;
using Bench.Targets.Wire;

namespace Bench.Harness.Clients;

/// <summary>
/// How the delivery path of a run is set up, from its variant: TLS (a certificate made in memory for the run, trusted
/// by pin), compression (permessage-deflate for WebSocket, gzip bodies for webhooks), cold (a new connection per webhook
/// delivery), and a meter counting bytes on the subscribers' sockets. The publishing connection and the control routes
/// stay plain: they are the same for every transport and not what a variant measures.
/// </summary>
public sealed class DeliveryWire : IDisposable
{
    public const string Tls = "tls";
    public const string Compression = "compression";
    public const string Cold = "cold";

    /// <summary>The features this class knows, for scenarios' variant lists.</summary>
    public static readonly IReadOnlyList<string> Features = [Tls, Compression, Cold];

    private DeliveryWire(string variant, TlsIdentity? identity, WireMeter? meter)
    {
        Variant = variant;
        Identity = identity;
        Meter = meter;
    }

    public string Variant { get; }

    /// <summary>
    /// Hosts this wire may connect to besides loopback addresses: the hosts a target file names (and no others). The
    /// default is none: Bench's own targets are on loopback.
    /// </summary>
    public IReadOnlyCollection<string> AllowedHosts { get; init; } = [];

    public bool UsesTls => Identity is not null;

    public bool Compressed => VariantName.Has(Variant, Compression);

    public bool NewConnectionPerDelivery => VariantName.Has(Variant, Cold);

    /// <summary>The run's certificate, when the variant has <c>tls</c>.</summary>
    public TlsIdentity? Identity { get; }

    /// <summary>Counts the subscribers' sockets when asked for (the overhead scenario); null otherwise.</summary>
    public WireMeter? Meter { get; }

    public static DeliveryWire For(string variant, bool count = false) =>
        new(variant, VariantName.Has(variant, Tls) ? TlsIdentity.Create() : null, count ? new WireMeter() : null);

    /// <summary>The same wire (and meter), also allowed to connect to <paramref name="hosts"/>: a target file's.</summary>
    public DeliveryWire WithHosts(IEnumerable<string> hosts) =>
        new(Variant, Identity, Meter) { AllowedHosts = [.. hosts.Select(h => h.Trim('[', ']'))] };

    /// <summary>A plain wire: no TLS, no compression, not counted.</summary>
    public static DeliveryWire Plain() => new(VariantName.Default, null, null);

    /// <summary>What the WebSocket hub is started with for this wire.</summary>
    public (IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment) HubStart() => (
        [.. UsesTls ? ["--tls"] : Array.Empty<string>(), .. Compressed ? ["--allow-compression"] : Array.Empty<string>()],
        UsesTls ? new Dictionary<string, string> { [TlsIdentity.PfxVariable] = Identity!.ExportPfxBase64() } : []);

    /// <summary>What the dispatcher is started with for this wire (its receivers are the harness's).</summary>
    public (IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment) DispatcherStart() => (
        [.. Compressed ? ["--gzip"] : Array.Empty<string>(), .. NewConnectionPerDelivery ? ["--cold"] : Array.Empty<string>()],
        UsesTls ? new Dictionary<string, string> { [TlsIdentity.PinVariable] = Identity!.Pin } : []);

    /// <summary>What a receiver target (rtt) is started with.</summary>
    public (IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment) ReceiverStart() => (
        UsesTls ? ["--tls"] : [],
        UsesTls ? new Dictionary<string, string> { [TlsIdentity.PfxVariable] = Identity!.ExportPfxBase64() } : []);

    /// <summary>
    /// How the harness's own receivers listen for the dispatcher: HTTPS with the run's certificate under tls, counted when metered.
    /// </summary>
    public TargetListen ReceiverListen() => new() { Certificate = Identity?.Certificate, Meter = Meter };

    /// <summary>
    /// The URL clients built by <see cref="Handler"/> use for a target: under TLS the target's HTTPS port, but with
    /// an http scheme, because the handler does the TLS itself (so it can count the handshake apart).
    /// </summary>
    public string ClientUrl(TargetProcess target) =>
        UsesTls
            ? "http://" + new Uri(target.SecureUrl ?? throw new InvalidOperationException($"{target.Name} has no HTTPS URL")).Authority
            : target.Url;

    /// <summary>
    /// An HTTP handler whose connections this wire opens itself: from <paramref name="source"/> when given (to spread
    /// many connections over 127.0.0.0/8), counted by the meter, and under TLS authenticated against the run's pin.
    /// <paramref name="opened"/> sees each connection's counter; unless <paramref name="handshakeUntilTold"/>, the
    /// handshake ends when TLS does.
    /// </summary>
    public SocketsHttpHandler Handler(IPAddress? source = null, Action<WireMeter.Connection>? opened = null,
        bool handshakeUntilTold = false) => new()
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, source, opened, handshakeUntilTold, ct),
        };

    /// <summary>
    /// A connection to <paramref name="endpoint"/> as this wire opens it for HTTP (loopback or an allowed host, TLS with
    /// the run's pin, bytes counted), for a client that speaks the protocol itself.
    /// </summary>
    public ValueTask<Stream> OpenStreamAsync(DnsEndPoint endpoint, IPAddress? source, Action<WireMeter.Connection>? opened,
        bool handshakeUntilTold, CancellationToken ct) =>
        ConnectAsync(endpoint, source, opened, handshakeUntilTold, ct);

    private async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, IPAddress? source, Action<WireMeter.Connection>? opened,
        bool handshakeUntilTold, CancellationToken ct)
    {
        IPAddress address;
        if (AllowedHosts.Contains(endpoint.Host.Trim('[', ']'), StringComparer.OrdinalIgnoreCase))
        {
            address = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var given)
                ? given : (await Dns.GetHostAddressesAsync(endpoint.Host, ct).ConfigureAwait(false))[0];
        }
        else if (!IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out address!) || !IPAddress.IsLoopback(address))
        {
            throw new HttpRequestException($"Bench connects to loopback only, not {endpoint.Host}");
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null && source.AddressFamily == address.AddressFamily)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), ct).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            var counter = Meter?.Open(handshakeFirst: UsesTls || handshakeUntilTold);
            if (counter is not null)
            {
                opened?.Invoke(counter);
                stream = new CountingStream(stream, counter);
            }

            if (Identity is { } identity)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(TlsIdentity.ClientOptions(identity.Pin), ct).ConfigureAwait(false);
                if (!handshakeUntilTold)
                {
                    counter?.HandshakeDone();
                }

                stream = tls;
            }

            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Identity?.Dispose();
}
