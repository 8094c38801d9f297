namespace Bench.Reports.Model;

/// <summary>The whole of <c>results.json</c>: one run, every scenario × transport × variant it measured.</summary>
public sealed record RunResults
{
    /// <summary>The current schema name; bumped only on a breaking change.</summary>
    public const string CurrentSchema = "bench-results/1";

    public string Schema { get; init; } = CurrentSchema;

    public required string RunId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string Profile { get; init; }

    /// <summary>
    /// <c>running</c>, <c>complete</c>, <c>cancelled</c>, <c>stopped</c> (a threshold marked abort-on-fail) or <c>failed</c>.
    /// </summary>
    public string Status { get; init; } = "running";

    /// <summary>Why the run stopped early, when it did.</summary>
    public string? StatusMessage { get; init; }

    public required EnvironmentInfo Environment { get; init; }

    public List<ScenarioResult> Results { get; init; } = [];

    /// <summary>
    /// The run's thresholds as given (<c>push.p99 &lt; 50ms</c>), held against its cases when the report is rendered;
    /// null or empty when it had none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Thresholds { get; init; }

    /// <summary>
    /// The transport the report's ratios are against (<c>--reference</c>); null in files written before it existed
    /// (websocket).
    /// </summary>
    public string? Reference { get; init; }

    /// <summary>The named suite the run was (<c>claims</c>), which adds its own section to the report; null for any other run.</summary>
    public string? Suite { get; init; }

    /// <summary>Micro-benchmark results (<c>bench micro</c>); empty when none were run.</summary>
    public List<MicroBenchmark> Micro { get; set; } = [];
}

/// <summary>Where the run happened.</summary>
public sealed record EnvironmentInfo(
    string Os,
    string Cpu,
    int LogicalCores,
    double MemoryGiB,
    string Runtime,
    string Gc,
    string? Commit,
    string CommandLine);
