using System.Security.Cryptography.X509Certificates;
using Bench.Targets.Wire;

namespace Bench.Targets.Hosting;

/// <summary>
/// Where and how a target listens. With no URLs it binds plain HTTP on loopback at a free port and, given a
/// certificate, HTTPS on a second one (the first URL stays plain: control routes such as <c>/publish</c> and
/// <c>/stats</c> are not what a TLS variant measures). A meter counts every byte of every connection accepted.
/// </summary>
public sealed record TargetListen
{
    public IReadOnlyList<string> Urls { get; init; } = [];

    public X509Certificate2? Certificate { get; init; }

    public WireMeter? Meter { get; init; }

    /// <summary>
    /// The hub only: also listen for gRPC on this loopback port (0: a free one), HTTP/2 only. Cleartext HTTP/2 needs
    /// prior knowledge, which Kestrel will not guess on a port that also speaks HTTP/1.1, so gRPC has a port of its own.
    /// Null (the default): no gRPC port.
    /// </summary>
    public int? GrpcPort { get; init; }

    /// <summary>Configuration read after the environment's (e.g. <c>Kestrel:Endpoints:E:Url</c>); for tests. The default is none.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public static readonly TargetListen Default = new();
}
