using System.Globalization;
using Bench.Harness.Scenarios;
using Bench.Harness.Targets;
using Bench.Targets;

namespace Bench.Harness.Transports.Hub;

/// <summary>The hub's launch, as every hub-based transport starts it, and the wait until it has registered its subscribers.</summary>
internal static class HubTarget
{
    public static IReadOnlyList<string> Arguments(int maxMessage, TimeSpan? keepAlive, IReadOnlyList<string> extra) =>
    [
        "--max-message-bytes", maxMessage.ToString(CultureInfo.InvariantCulture),
        .. keepAlive is { } k ? ["--keep-alive",
            ((long)k.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms"] : Array.Empty<string>(),
        .. extra,
    ];

    /// <summary>A subscription completes before the hub attaches its stream: wait until the hub counts <paramref name="count"/>.</summary>
    public static async Task WaitForSubscribersAsync(ITargetHandle target, int count, TimeSpan timeout,
        ScenarioContext context, CancellationToken ct)
    {
        var deadline = context.Clock.GetTimestamp() + (long)(timeout.TotalSeconds * context.Clock.TimestampFrequency);
        while ((await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.HubStats,
            ct).ConfigureAwait(false)).Subscribers < count)
        {
            if (target.HasExited)
            {
                throw target.DiedException("subscribing");
            }

            if (context.Clock.GetTimestamp() > deadline)
            {
                throw new TargetFailedException(string.Create(CultureInfo.InvariantCulture, $"the hub did not register {count:N0} " +
                    $"subscribers within {timeout.TotalSeconds:0} s"));
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }
}
