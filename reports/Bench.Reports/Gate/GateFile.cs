using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bench.Reports.Gate;

/// <summary>One gated metric: what it is called, its unit, which way is better, and the smallest change that matters.</summary>
public sealed record GateMetric(string Name, string Unit, string Better, double Threshold);

/// <summary>
/// The gate's rules (<c>bench.gate.json</c>): the significance level, the launches needed on each side, the metrics
/// compared (each with its threshold as a fraction: 0.10 = 10 %), and the exact counts that must be zero in every
/// launch of a scenario run without faults. Settable rather than init-only so that what a file leaves out keeps
/// its default when read (source-generated JSON sets every init-only property).
/// </summary>
public sealed record GateFile
{
    public double Alpha { get; set; } = 0.05;

    public int MinLaunches { get; set; } = 4;

    /// <summary>
    /// Adjust latencies for each launch's loopback echo probe before gating (<c>--normalize</c>; see
    /// <see cref="ProbeAdjustment"/>).
    /// </summary>
    public bool Normalize { get; set; }

    /// <summary>
    /// Paired launches or blocks (<c>bench ab</c>): how the pair ratios are summed up into one ratio and its interval —
    /// <see cref="Estimators.Median"/> (the default) or <see cref="Estimators.HodgesLehmann"/> (the median of all pairwise
    /// means of their logarithms: as robust, and steadier when the noise is symmetric). Chosen by calibration (docs/ci.md).
    /// </summary>
    public string Estimator { get; set; } = Estimators.Median;

    public List<GateMetric> Metrics { get; set; } =
    [
        new("latency.p50", "µs", "lower", 0.10),
        new("latency.p99", "µs", "lower", 0.25),
        new("throughput.achieved", "/s", "higher", 0.05),
        new("target.cpuUsPerEvent", "µs", "lower", 0.15),
    ];

    public List<string> ExactCounts { get; set; } = ["counts.lost", "counts.duplicated"];

    public static readonly GateFile Default = new();

    /// <summary>
    /// The rules for interleaved blocks (<c>bench ab</c>'s default mode): the target's CPU per event (exact per block,
    /// the least noisy) at 15 %, and p50 at 20 %: at 10 % one second's p50 made 1 false alarm and 6.7 % inconclusive
    /// A/A verdicts in 300 draws on the 2-core test machine (docs/ci.md). Not p90 or p99 (a block holds a few hundred
    /// samples; gated at 15 % beside CPU, p90 gave 1 false alarm and 12 % inconclusive A/A draws) and not throughput
    /// (the load is open at a fixed rate, so throughput follows the schedule). The blocks keep p90 for
    /// <c>bench trend</c> and a <c>--gate</c> file.
    /// </summary>
    public static readonly GateFile Interleaved = new()
    {
        Metrics =
        [
            new("target.cpuUsPerEvent", "µs", "lower", 0.15),
            new("latency.p50", "µs", "lower", 0.20),
        ],
    };

    /// <summary>The metric names the gate knows how to read from a launch.</summary>
    public static readonly IReadOnlyList<string> KnownMetrics =
        ["latency.p50", "latency.p90", "latency.p99", "throughput.achieved", "target.cpuUsPerEvent"];

    public static readonly IReadOnlyList<string> KnownCounts = ["counts.lost", "counts.duplicated", "counts.errors"];

    /// <summary>Reads a gate file; throws <see cref="InvalidDataException"/> saying what is wrong with it.</summary>
    public static GateFile Read(string path)
    {
        GateFile? gate;
        try
        {
            var text = Json.BoundedFile.ReadAllText(path, Json.BoundedFile.MaxGateBytes);
            gate = JsonSerializer.Deserialize(text, GateJsonContext.Default.GateFile);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not a gate file: {e.Message}", e);
        }

        if (gate is null || gate.Metrics is null || gate.ExactCounts is null)
        {
            throw new InvalidDataException($"{path} is not a gate file: it needs an object with \"metrics\" and"
                + $" \"exactCounts\" (see docs/ci.md)");
        }

        // A null where a metric or a name belongs is refused here, not met as a crash while gating.
        if (gate.Metrics.FindIndex(m => m is null || m.Name is null || m.Unit is null || m.Better is null) is var bad and >= 0)
        {
            throw new InvalidDataException($"{path}: metrics[{bad}] is null or lacks name, unit or better");
        }

        if (gate.ExactCounts.FindIndex(c => c is null) is var badCount and >= 0)
        {
            throw new InvalidDataException($"{path}: exactCounts[{badCount}] is null");
        }

        var problems = gate.Metrics
            .Where(m => !KnownMetrics.Contains(m.Name))
            .Select(m => $"unknown metric '{m.Name}' (known: {string.Join(", ", KnownMetrics)})")
            .Concat(gate.Metrics
                .Where(m => m.Better is not ("lower" or "higher"))
                .Select(m => $"{m.Name}: better must be 'lower' or 'higher', not '{m.Better}'"))
            .Concat(gate.Metrics
                .Where(m => !(m.Threshold > 0 && m.Threshold < 10))
                .Select(m => $"{m.Name}: threshold must be a fraction above 0 (0.10 is 10 %)"))
            .Concat(gate.ExactCounts
                .Where(c => !KnownCounts.Contains(c))
                .Select(c => $"unknown exact count '{c}' (known: {string.Join(", ", KnownCounts)})"))
            .Concat(gate.Estimator is Estimators.Median or Estimators.HodgesLehmann ? []
                : [$"estimator must be '{Estimators.Median}' or '{Estimators.HodgesLehmann}', not '{gate.Estimator}'"])
            .Concat(gate.Alpha is > 0 and < 1 ? [] : ["alpha must be between 0 and 1"])
            .Concat(gate.MinLaunches >= 2 ? [] : ["minLaunches must be at least 2"])
            .ToList();
        return problems.Count == 0 ? gate : throw new InvalidDataException($"{path}: {string.Join("; ", problems)}");
    }

    public string ToJson() => JsonSerializer.Serialize(this, GateJsonContext.Default.GateFile);
}

/// <summary>The names of <see cref="GateFile.Estimator"/>'s values.</summary>
public static class Estimators
{
    public const string Median = "median";

    public const string HodgesLehmann = "hodges-lehmann";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(GateFile))]
internal sealed partial class GateJsonContext : JsonSerializerContext;
