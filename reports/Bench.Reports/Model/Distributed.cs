namespace Bench.Reports.Model;

/// <summary>
/// How a case's load was spread over agents (<c>bench run --agents N</c>, or <c>bench merge</c> of a Kubernetes
/// job's shards): how many there were, which shards are missing, and how latency was timed across their clocks.
/// </summary>
public sealed record DistributionInfo(int Agents, string Clock, string ClockMethod, List<int> MissingShards)
{
    /// <summary>
    /// Which agents published and how, when the system is one Bench did not write (a target file); null for Bench's
    /// reference targets, which every agent publishes to.
    /// </summary>
    public string? Publishing { get; init; }
}

/// <summary>
/// One agent's share and health in a merged case: its subscribers and published events, deliveries it accounted for,
/// latency samples it timed, how late its schedule ran, its CPU, its errors (connections: subscribers it could not
/// open) and its status, and in the connections scenario its own memory — kept so that one overloaded or failed agent
/// is visible beside the merged figures.
/// </summary>
public sealed record AgentHealth(
    int Index,
    string Host,
    int Subscribers,
    long Published,
    long Delivered,
    long Timed,
    long ScheduleLagP99Us,
    double CpuPercent,
    long Errors,
    string Status,
    double? RssMiB = null);

/// <summary>
/// What one agent writes (<c>shard-N.json</c>): its part of the run, with the full histograms and the exact event
/// sets the merge needs — the numbers it published that the target accepted, the measured ones, and for each of its
/// subscribers' streams the numbers that arrived (as <c>1-2500,2502</c> runs).
/// </summary>
public sealed record ShardResult
{
    public const string CurrentSchema = "bench-shard/1";

    public string Schema { get; init; } = CurrentSchema;

    /// <summary>The run every shard of one job shares; a shard from another run is refused by the merge.</summary>
    public required string RunId { get; init; }

    public required int Index { get; init; }

    public required int Count { get; init; }

    public required string Host { get; init; }

    /// <summary><c>shared</c> (every agent on one machine's monotonic clock) or <c>own</c> (each times only its own events).</summary>
    public required string Clock { get; init; }

    /// <summary><c>complete</c> or <c>failed</c>.</summary>
    public string Status { get; init; } = "complete";

    public string? StatusMessage { get; init; }

    /// <summary>This agent's part, as a case result (its share of the rate and subscribers; histograms lossless).</summary>
    public required ScenarioResult Result { get; init; }

    /// <summary>Event numbers this agent published that the target acknowledged.</summary>
    public string Accepted { get; init; } = "";

    /// <summary>Event numbers this agent published whose intended time was in the measured window.</summary>
    public string Measured { get; init; } = "";

    /// <summary>The first event number this agent published in the measured window (loss is counted from it on).</summary>
    public long FirstMeasured { get; init; }

    public List<ShardStream> Streams { get; init; } = [];
}

/// <summary>One subscriber's stream in a shard: the numbers that arrived, and its duplicates and out-of-order arrivals.</summary>
public sealed record ShardStream(string Stream, string Seen, long Duplicated, long OutOfOrder);
