using Microsoft.AspNetCore.Builder;

namespace Bench.Targets.Hosting;

/// <summary>A started target: its Kestrel application and the URLs it is bound to (ports read back when 0 was asked).</summary>
public sealed class RunningTarget(TargetRole role, WebApplication app, IReadOnlyList<string> urls) : IAsyncDisposable
{
    public TargetRole Role { get; } = role;

    public WebApplication App { get; } = app;

    public IReadOnlyList<string> Urls { get; } = urls;

    /// <summary>The first bound URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => Urls[0];

    public IServiceProvider Services => App.Services;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
