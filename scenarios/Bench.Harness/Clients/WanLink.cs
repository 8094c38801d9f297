using System.Globalization;
using System.Net;
using Bench.Targets.Faults;

namespace Bench.Harness.Clients;

/// <summary>
/// The <c>wan</c> variant: a fault proxy adding 40 ms ± 5 ms each way (an 80 ms round trip, as between regions) between
/// a target and its peers, where connection set-up costs round trips and the transports differ most.
/// <para>
/// It stays in this process, unlike the fault runs' proxy (<see cref="Scenarios.Faults.ProcessFaultProxy"/>): it carries
/// the rtt and push cases' connections (tens by default), never a storm's thousands, so its descriptors do not bound
/// anything; and a fixed latency needs no control while it runs. (A faults case over <c>wan</c> puts the same latency on
/// its own proxy process instead.)
/// </para>
/// </summary>
public sealed class WanLink : IAsyncDisposable
{
    public const string Variant = "wan";
    public static readonly TimeSpan OneWay = TimeSpan.FromMilliseconds(40);
    public static readonly TimeSpan Jitter = TimeSpan.FromMilliseconds(5);

    private readonly FaultProxy proxy;

    private WanLink(FaultProxy proxy) => this.proxy = proxy;

    /// <summary>The URL peers use instead of the target's: the proxy's.</summary>
    public string Url => "http://127.0.0.1:" + proxy.Endpoint.Port.ToString(CultureInfo.InvariantCulture);

    public static WanLink To(string url)
    {
        var port = new Uri(url).Port;
        var proxy = FaultProxy.Start(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, port));
        proxy.Toxics = new Toxics { Latency = OneWay, Jitter = Jitter };
        return new WanLink(proxy);
    }

    public ValueTask DisposeAsync() => proxy.DisposeAsync();
}
