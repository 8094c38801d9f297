using Microsoft.AspNetCore.Builder;

namespace Bench.Targets.Hosting;

/// <summary>A started target: its Kestrel application and the URLs it is bound to (ports read back when 0 was asked).</summary>
public sealed class RunningTarget(TargetRole role, WebApplication app, IReadOnlyList<string> urls) : IAsyncDisposable
{
    /// <summary>
    /// The hub's gRPC port (HTTP/2 only, cleartext), e.g. <c>http://127.0.0.1:41235</c>; null when it has none. Not in
    /// <see cref="Urls"/>.
    /// </summary>
    public string? GrpcUrl { get; init; }

    public TargetRole Role { get; } = role;

    public WebApplication App { get; } = app;

    public IReadOnlyList<string> Urls { get; } = urls;

    /// <summary>The first plain-HTTP URL bound (else the first URL), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => Urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal)) ?? Urls[0];

    /// <summary>The first HTTPS URL, when the target listens with TLS.</summary>
    public string? SecureUrl => Urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal));

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// The token made up at start-up because configuration bound the target beyond loopback without one (clients must
    /// send it; the launcher prints it); null when none was.
    /// </summary>
    public string? MadeUpToken { get; init; }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
