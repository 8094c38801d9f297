using Bench.Scenarios.Scenarios;

namespace Bench.Scenarios.Plan;

/// <summary>
/// One run, fully decided before anything starts: profile defaults with the command line's overrides, validated once.
/// Changed only by <c>with</c> copies.
/// </summary>
public sealed record RunPlan
{
    public required IReadOnlyList<IScenario> Scenarios { get; init; }

    public required IReadOnlyList<string> Transports { get; init; }

    public required Profile Profile { get; init; }

    /// <summary>The run folder; null means <c>results/&lt;run-id&gt;</c>.</summary>
    public string? OutputDirectory { get; init; }

    public TimeSpan? Duration { get; init; }

    public TimeSpan? Warmup { get; init; }

    public double? RatePerSec { get; init; }

    public int? Subscribers { get; init; }

    public int? PayloadBytes { get; init; }

    public int? Connections { get; init; }

    /// <summary>How long a target may take to print its ready line. The default is 20 seconds.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public string CommandLine { get; init; } = "";

    /// <summary>The settings a scenario runs with: its defaults for the profile, then every override given.</summary>
    public ScenarioSettings SettingsFor(IScenario scenario)
    {
        var d = scenario.Defaults(Profile);
        var subscribers = Subscribers ?? d.Subscribers;
        return d with
        {
            RatePerSec = RatePerSec ?? d.RatePerSec,
            Subscribers = subscribers,
            PayloadBytes = PayloadBytes ?? d.PayloadBytes,
            Connections = Connections ?? (scenario.ConnectionsFollowSubscribers ? subscribers : d.Connections),
            Duration = Duration ?? d.Duration,
            Warmup = Warmup ?? d.Warmup,
        };
    }

    /// <summary>Problems with the plan, each naming the option at fault; empty when it can run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Scenarios.Count == 0)
        {
            problems.Add("no scenario to run");
        }

        if (Transports.Count == 0)
        {
            problems.Add("--transport: at least one transport is needed");
        }

        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            problems.Add("--duration must be positive");
        }

        if (Warmup is { } w && w < TimeSpan.Zero)
        {
            problems.Add("--warmup must not be negative");
        }

        if (RatePerSec is { } r && !(r > 0 && r <= 1_000_000))
        {
            problems.Add("--rate must be a positive number of events a second (at most 1,000,000)");
        }

        if (Subscribers is { } s && s is <= 0 or > 100_000)
        {
            problems.Add("--subscribers must be between 1 and 100,000");
        }

        if (PayloadBytes is { } p && p is <= 0 or > 16 * 1024 * 1024)
        {
            problems.Add("--payload must be between 1 and 16,777,216 bytes");
        }

        if (Connections is { } c && c is <= 0 or > 100_000)
        {
            problems.Add("--connections must be between 1 and 100,000");
        }

        return problems;
    }
}
