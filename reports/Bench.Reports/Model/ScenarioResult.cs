using System.Text.Json.Serialization;
using Bench.Reports.Warnings;

namespace Bench.Reports.Model;

/// <summary>One scenario × transport × variant, measured.</summary>
public sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required string Transport { get; init; }

    public string Variant { get; init; } = "default";

    /// <summary>One sentence on what the scenario measures, shown in the report.</summary>
    public string Description { get; init; } = "";

    public required ScenarioParameters Parameters { get; init; }

    public required LatencySummary LatencyUs { get; init; }

    public required ThroughputSummary Throughput { get; init; }

    public required DeliveryCounts Counts { get; init; }

    public SortedDictionary<string, long> ErrorsByKind { get; init; } = new(StringComparer.Ordinal);

    public List<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>
    /// Latency (µs) of each second, by the events' intended time: second 0 starts the measured window, warm-up seconds
    /// are negative. The seconds from 0 on sum to <see cref="LatencyUs"/>'s histogram exactly; they are the blocks the
    /// at-a-glance intervals resample, and the warm-up seconds give the cold start. Empty where not recorded.
    /// </summary>
    public List<SecondLatency> LatencyBySecond { get; init; } = [];

    /// <summary>The half-rate stretch the marginal cost is measured against (push, overhead); null where none ran.</summary>
    public CostProbe? CostProbe { get; init; }

    /// <summary>When the measured window began (UTC); null in files written before it was recorded.</summary>
    public DateTimeOffset? MeasuredFrom { get; init; }

    public required GeneratorStats Generator { get; init; }

    public required TargetStats Target { get; init; }

    /// <summary>
    /// What makes these figures less than they seem, each with its kind, scope and measured effect. In results.json
    /// they are two arrays in the same order: <c>warnings</c> (their text) and <c>warningDetails</c>.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<RunWarning> Warnings
    {
        get => WarningList.Read(WarningTexts, WarningDetails);
        init
        {
            WarningTexts = [.. value.Select(w => w.Text)];
            WarningDetails = [.. value.Select(WarningDetail.Of)];
        }
    }

    /// <summary>results.json's <c>warnings</c>: each warning's text, its scope first. Set <see cref="Warnings"/> instead.</summary>
    [JsonPropertyName("warnings")]
    public List<string> WarningTexts { get; init; } = [];

    /// <summary>
    /// results.json's <c>warningDetails</c>: each warning's kind, scope, effect and unit, in the order of
    /// <see cref="WarningTexts"/>; null in files written before warnings had kinds. Set <see cref="Warnings"/> instead.
    /// </summary>
    public List<WarningDetail>? WarningDetails { get; init; }

    /// <summary>What a fault did (the <c>faults</c> scenario only).</summary>
    public ResilienceSummary? Resilience { get; init; }

    /// <summary>The step search (the <c>saturation</c> scenario only).</summary>
    public SaturationSummary? Saturation { get; init; }

    /// <summary>Subscribers held, memory, idle CPU and fan-out time (the <c>connections</c> scenario only).</summary>
    public ConnectionsSummary? Connections { get; init; }

    /// <summary>Bytes on the wire and CPU per delivered event (the <c>overhead</c> scenario only).</summary>
    public WireSummary? Wire { get; init; }

    /// <summary>A push case against a system that publishes on its own (<c>source: server</c>); null otherwise.</summary>
    public ServerFeedSummary? ServerFeed { get; init; }

    /// <summary>The loopback echo probe beside the measured window (the ci profile); null when none ran.</summary>
    public ProbeSummary? Probe { get; init; }

    /// <summary>
    /// With <c>--repeat</c>: each launch's own figures, in the order run (every launch a fresh set of target
    /// processes). The result's summary figures are then medians across launches, and its counts sums. Empty for one launch.
    /// </summary>
    public List<LaunchFigures> Launches { get; set; } = [];

    /// <summary>How an interleaved comparison ran this case; null for a case run on its own (one transport at a time).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InterleavedInfo? Interleaved { get; init; }

    /// <summary>An interleaved case's blocks, in the order they ran; empty otherwise. Its intervals resample these.</summary>
    public List<BlockFigures> Blocks { get; init; } = [];

    /// <summary>How the load was spread over agents and timed across their clocks; null for one process.</summary>
    public DistributionInfo? Distribution { get; init; }

    /// <summary>Each agent's share and health, in index order; empty for one process.</summary>
    public List<AgentHealth> Agents { get; init; } = [];

    /// <summary>
    /// The delivery guarantee of the transport's setup in this case (push, faults), as the transport states it; null
    /// where none applies.
    /// </summary>
    public string? Guarantee { get; init; }

    /// <summary>
    /// Why this transport does not run this scenario (declared by the transport: "n/a"), or null for a measured
    /// result. An n/a result carries no figures.
    /// </summary>
    public string? NotApplicable { get; init; }

    /// <summary>True for the scenarios whose results have their own section rather than the latency comparison.</summary>
    [JsonIgnore]
    public bool HasOwnSection =>
        Resilience is not null || Saturation is not null || Connections is not null || Wire is not null || ServerFeed is not null;

    /// <summary>True when this result holds measured figures (not an n/a).</summary>
    [JsonIgnore]
    public bool IsMeasured => NotApplicable is null;

    /// <summary>The result of a scenario × transport that the transport declares it cannot run.</summary>
    public static ScenarioResult NotApplicableFor(string scenario, string description, string transport, string reason) => new()
    {
        Scenario = scenario,
        Description = description,
        Transport = transport,
        Parameters = new ScenarioParameters(0, 0, 0, 0, 0, 0),
        LatencyUs = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0, ""),
        Throughput = new ThroughputSummary(0, 0, 0),
        Counts = new DeliveryCounts(0, 0, 0, 0, 0, 0),
        Generator = new GeneratorStats(0, 0, 0),
        Target = new TargetStats(0, 0, 0),
        NotApplicable = reason,
    };
}

/// <summary>
/// One fault's effect, measured: when it began (seconds from the start of the run) and how long it lasted; how long
/// until something on the delivery path noticed; how long after it ended until every affected subscriber had a delivery
/// again; exact losses, duplicates and disorder; reconnects, retries and refused publishes; the delay of the events
/// published while it lasted; and how long their backlog took to drain. <c>targetCountedUndelivered</c> is the target's
/// own count of events it could not hand to a connected subscriber (the hub; null when it restarted or for webhooks);
/// <c>publishedWhileAway</c>, the events published between each subscriber's last event before a disconnect and its
/// reconnection, from the hub's sequence numbers (without resume, exactly what is lost); <c>pendingAtKill</c>, the
/// deliveries the dispatcher had pending just before a restart killed it (what an in-memory outbox loses).
/// </summary>
public sealed record ResilienceSummary(
    string Fault,
    double StartSec,
    double DurationSec,
    double? DetectMs,
    double? RecoverMs,
    long Lost,
    long Duplicated,
    long OutOfOrder,
    long ReconnectAttempts,
    long WebhookRetries,
    long Rejected,
    long WindowEvents,
    long WindowDelayP50Us,
    long WindowDelayP99Us,
    long WindowDelayMaxUs,
    double? DrainMs,
    long PendingAtEnd,
    string Behaviour,
    long? TargetCountedUndelivered = null,
    string FaultDescription = "",
    long? PublishedWhileAway = null,
    long? PendingAtKill = null,
    StormSummary? Storm = null);

/// <summary>
/// A reconnect storm (the <c>storm</c> fault): <c>subscribers</c> held when it struck; what was watched —
/// <c>connected</c> (subscribers the target holds, for streaming transports) or <c>pending</c> (deliveries waiting
/// at the dispatcher, for webhooks); <c>allBackMs</c>, from the fault's end until every subscriber was connected again
/// or the backlog was drained (null if never, within the run); the peak rate of reconnect attempts or retries a second;
/// the target's peak CPU (% of the machine, over a second) and peak RSS; and the samples, every 200 ms.
/// </summary>
public sealed record StormSummary(
    int Subscribers,
    string Watched,
    double? AllBackMs,
    double PeakAttemptsPerSec,
    double PeakTargetCpuPercent,
    double PeakRssMiB,
    List<StormPoint> Points);

/// <summary>
/// One storm sample: seconds from the start of warm-up, the watched figure (connected or pending), and reconnect
/// attempts or retries a second since the last sample.
/// </summary>
public sealed record StormPoint(double Sec, long Value, double AttemptsPerSec);

/// <summary>The load a scenario ran under. <c>connections</c> is the number of client connections used.</summary>
public sealed record ScenarioParameters(
    double RatePerSec,
    int Subscribers,
    int PayloadBytes,
    double DurationSec,
    double WarmupSec,
    int Connections);

/// <summary>Latency in microseconds over the measured window, with the full histogram (base64, HdrHistogram V2 compressed).</summary>
public sealed record LatencySummary(
    long Count,
    long Min,
    double Mean,
    long P50,
    long P90,
    long P99,
    long P999,
    long Max,
    string Histogram);

/// <summary>Offered and achieved rates over the measured window (events or requests a second).</summary>
public sealed record ThroughputSummary(double OfferedPerSec, double AchievedPerSec, double DeliveredPerSec);

/// <summary>
/// Exact counts over the measured window. <c>rejected</c>: publishes the target could not take (it was down); they are
/// not counted as lost, which is only ever what a target accepted and did not deliver.
/// </summary>
public sealed record DeliveryCounts(long Sent, long Delivered, long Lost, long Duplicated, long OutOfOrder, long Errors, long Rejected = 0);

/// <summary>
/// One second's latency by intended time (see <see cref="ScenarioResult.LatencyBySecond"/>): its count, p50, p99 and
/// histogram.
/// </summary>
public sealed record SecondLatency(int Second, long Count, long P50Us, long P99Us, string Histogram);

/// <summary>
/// One second of the run (warm-up included; <c>second</c> 0 is the start of warm-up); <c>targetCpuMs</c>, the target's
/// CPU in that second (null when not measured).
/// </summary>
public sealed record TimelineEntry(int Second, long Sent, long Delivered, long P50Us, long P99Us, long Errors, double? TargetCpuMs = null);

/// <summary>
/// The stretch at half the rate after the measured window (push, overhead), in timeline seconds: the second load the
/// marginal cost's slope is taken against.
/// </summary>
public sealed record CostProbe(double RatePerSec, double FromSec, double ToSec);

/// <summary>How the load generator itself fared.</summary>
public sealed record GeneratorStats(long ScheduleLagP99Us, long DroppedIterations, double CpuPercent);

/// <summary>The target process's resources over the measured window.</summary>
/// <summary>
/// The target process's resources over the measured window. <c>measured</c> is false for a target Bench could not see
/// (a target file without a process id): its figures are then not measured, shown as "–", never as zero.
/// </summary>
public sealed record TargetStats(double CpuSeconds, double PeakRssMiB, double CpuPercent, bool Measured = true);
