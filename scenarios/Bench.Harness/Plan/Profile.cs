namespace Bench.Harness.Plan;

/// <summary>A named set of defaults: how long to warm up and measure, and how hard to push.</summary>
public sealed record Profile(string Name, string Description, TimeSpan Warmup, TimeSpan Duration)
{
    public static readonly Profile Quick = new("quick", "the default: 5 s warm-up + 10 s measured per scenario × transport (minutes)",
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    public static readonly Profile Full = new("full", "thorough: 10 s warm-up + 60 s measured per scenario × transport",
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
    public static readonly Profile Ci = new("ci", "short and fixed, for regression gating: rtt and push, 2 s warm-up + 5 s measured, as " +
        "5 launches (--repeat); every event delivered exactly once", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5))
    {
        Thresholds = ["rtt.lost == 0", "push.lost == 0", "push.duplicated == 0"],
    };

    /// <summary>
    /// Thresholds the profile holds every run to (as <c>--threshold</c> takes them), on the scenarios that run; the ci
    /// profile's are exact accounting, which no run without faults may miss.
    /// </summary>
    public IReadOnlyList<string> Thresholds { get; init; } = [];

    public static readonly IReadOnlyList<Profile> All = [Quick, Full, Ci];

    public static Profile? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
