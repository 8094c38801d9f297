namespace Bench.Targets.Dispatcher;

/// <summary>
/// When to try a failed delivery again: the Standard Webhooks schedule (at once, then 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 14 h, 20 h and 24 h after the previous attempt), multiplied by a time scale so that a test runs in seconds,
/// with ± jitter. A <c>Retry-After</c> on 429 or 503 is honoured (scaled alike) when it asks for longer.
/// </summary>
public sealed class RetrySchedule(IReadOnlyList<TimeSpan> delays, double timeScale, double jitter)
{
    /// <summary>The Standard Webhooks schedule: the delay before attempt 1, 2, … (attempt 0 is immediate).</summary>
    public static readonly IReadOnlyList<TimeSpan> StandardWebhooks =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>Attempts in all, the first included.</summary>
    public int Attempts => delays.Count;

    public double TimeScale => timeScale;

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based retries); null when the schedule is spent.</summary>
    public TimeSpan? DelayBefore(int attempt, double random01, TimeSpan? retryAfter = null)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        if (attempt >= delays.Count)
        {
            return null;
        }

        var scaled = delays[attempt].TotalSeconds * timeScale * (1 + (jitter * ((random01 * 2) - 1)));
        if (retryAfter is { } asked)
        {
            scaled = Math.Max(scaled, asked.TotalSeconds * timeScale);
        }

        return TimeSpan.FromSeconds(Math.Max(0, scaled));
    }
}
