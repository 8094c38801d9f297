namespace Bench.Harness.Clients;

/// <summary>
/// An HTTP handler that sends only to the hosts it was given (those a target file names, or Bench's own target's). Its
/// inner handler follows no redirect, and a request to any other host — a SignalR negotiate answer's <c>url</c>, say —
/// is refused before a byte is sent, so a server cannot take the file's headers, secrets or load to another host.
/// </summary>
public sealed class AllowedHostsHandler : DelegatingHandler
{
    private readonly IReadOnlyCollection<string> hosts;

    public AllowedHostsHandler(IEnumerable<string> hosts, HttpMessageHandler inner)
        : base(inner)
    {
        this.hosts = [.. hosts.Select(Bare)];
        switch (inner)
        {
            case SocketsHttpHandler sockets:
                sockets.AllowAutoRedirect = false;
                break;
            case HttpClientHandler client:
                client.AllowAutoRedirect = false;
                break;
            default:
                break;
        }
    }

    /// <summary>Whether <paramref name="uri"/>'s host is one of <paramref name="hosts"/> (IPv6 with or without brackets).</summary>
    public static bool Allows(IEnumerable<string> hosts, Uri? uri) =>
        uri is { IsAbsoluteUri: true } && hosts.Any(h => string.Equals(Bare(h), Bare(uri.Host), StringComparison.OrdinalIgnoreCase));

    /// <summary>Throws <see cref="HostNotAllowedException"/> unless <paramref name="uri"/> is on one of <paramref name="hosts"/>.</summary>
    public static void Check(IEnumerable<string> hosts, Uri uri)
    {
        if (!Allows(hosts, uri))
        {
            throw new HostNotAllowedException(uri);
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Check(hosts, request.RequestUri!);
        return base.SendAsync(request, cancellationToken);
    }

    private static string Bare(string host) => host.Trim('[', ']');
}

/// <summary>A request a server sent Bench to (a redirect) on a host the target does not name: refused, not sent.</summary>
public sealed class HostNotAllowedException(Uri uri)
    : HttpRequestException($"refused to follow the server to {UrlText.ForMessage(uri)}: Bench sends only to the hosts the target names")
{
    public Uri Uri { get; } = uri;
}
