using System.Text.Json.Serialization;

namespace Bench.Reports.Model;

/// <summary>
/// The <c>saturation</c> scenario's search: open-model steps, each × 1.5 the last, until one breaches — p99 above the
/// SLO, achieved below 95 % of offered, errors above 1 %, or any loss — or the step cap. <c>mode</c> is <c>push</c> or
/// <c>rtt</c>; <c>maxSustainablePerSec</c> is the offered rate of the last step that held (0 when the first breached);
/// <c>breachReason</c> says what broke (or that the cap was reached).
/// </summary>
public sealed record SaturationSummary(
    string Mode,
    long SloP99Us,
    double StepSec,
    double MaxSustainablePerSec,
    string BreachReason,
    List<SaturationStep> Steps);

/// <summary>
/// One step of a saturation search. <c>breach</c> is null when the step held. A step that breaches is run once more
/// before the search stops (a moment of noise on a shared machine should not end it): <c>firstAttempt</c> is then why
/// the first run breached, and the figures are the second run's.
/// </summary>
public sealed record SaturationStep(
    double OfferedPerSec,
    double AchievedPerSec,
    long P50Us,
    long P99Us,
    long Delivered,
    long Errors,
    long Lost,
    double TargetCpuPercent,
    string? Breach,
    string? FirstAttempt = null);

/// <summary>
/// The <c>connections</c> scenario: N subscribers held open at once — WebSocket connections to the hub, or webhook
/// endpoints registered with the dispatcher. <c>connect*</c>: how long each took to open (null for webhooks, where
/// registering is a control call, not a connection); <c>memory</c>: the target's resident and managed memory per
/// subscriber at each size, from the difference to the target with none; <c>idleCpuPercent</c>: the target's CPU (of
/// the whole machine) while holding all N idle for <c>idleSec</c>, keep-alive pings included; <c>fanOut</c>: for one
/// event broadcast to all N, the time until the last subscriber had it, over repeated broadcasts.
/// </summary>
public sealed record ConnectionsSummary(
    int Subscribers,
    int Failed,
    long? ConnectP50Us,
    long? ConnectP99Us,
    double OpenedPerSec,
    int SourceAddresses,
    double IdleSec,
    double? IdleCpuPercent,
    double KeepAliveSec,
    List<MemoryPoint> Memory,
    List<FanOutPoint> FanOut,
    string? SubscriberNoun = null);

/// <summary>The target's memory with N subscribers: totals and per-subscriber growth over the target with none (KiB).</summary>
public sealed record MemoryPoint(
    int Subscribers,
    double RssMiB,
    double ManagedMiB,
    double RssKiBPerSubscriber,
    double ManagedKiBPerSubscriber)
{
    /// <summary>
    /// The harness's own RSS growth per subscriber it holds (the subscribing side: what one agent needs), after a full
    /// collection; null when the subscribers were held by agent processes or not measured.
    /// </summary>
    public double? HarnessRssKiBPerSubscriber { get; init; }
}

/// <summary>Fan-out completion with N subscribers: from an event's intended publish time until the last of the N had it.</summary>
public sealed record FanOutPoint(int Subscribers, int Broadcasts, long P50Us, long P99Us, long MaxUs, long Incomplete);

/// <summary>
/// The <c>overhead</c> scenario's bytes on the wire per delivered event, counted on the subscribers' sockets (above
/// TCP) — for WebSocket on the subscriber clients, for webhooks on the receivers' server side. <c>toSubscriber</c>:
/// bytes from the target to the subscriber per delivered event; <c>fromSubscriber</c>: bytes back (HTTP responses,
/// pongs, pings); both exclude connection handshakes, which are counted apart (<c>handshakeBytesPerConnection</c>, TLS
/// and the WebSocket upgrade together; the TCP handshake itself is not visible to a stream). <c>totalBytesPerEvent</c>
/// includes handshakes. <c>envelopeBytes</c>: the mean event body as the application saw it (after any decompression).
/// CPU per delivered event from the target process's CPU time (null when it could not be read: a target file without a
/// process id) and the harness's own (the harness includes the subscribers). <c>targetCpuMethod</c>: <c>marginal</c>
/// (the slope between the cost probe and the measured window) or <c>average</c> (CPU ÷ deliveries, when no probe ran).
/// </summary>
public sealed record WireSummary(
    int PayloadBytes,
    int EnvelopeBytes,
    long Events,
    double ToSubscriberBytesPerEvent,
    double FromSubscriberBytesPerEvent,
    long Connections,
    double HandshakeBytesPerConnection,
    double TotalBytesPerEvent,
    double? TargetCpuUsPerEvent,
    double HarnessCpuUsPerEvent,
    string CountedAt,
    string? TargetCpuMethod = null);

/// <summary>One BenchmarkDotNet result of <c>bench micro</c>: mean and spread in nanoseconds, bytes allocated per operation.</summary>
public sealed record MicroBenchmark(
    string Type,
    string Method,
    string Parameters,
    double MeanNs,
    double ErrorNs,
    double StdDevNs,
    long? AllocatedBytes);

/// <summary>
/// One launch of a repeated run: the figures the CI gate compares, and the exact counts it checks. <see cref="Position"/>
/// is the launch's place in the job that made it, counted across both builds, when <c>bench ab</c> made it: launches of
/// base and head at neighbouring positions are pairs.
/// </summary>
public sealed record LaunchFigures(
    long P50Us,
    long P99Us,
    double AchievedPerSec,
    [property: JsonConverter(typeof(Json.NaNAsNull))] double TargetCpuUsPerEvent,
    long Sent,
    long Delivered,
    long Lost,
    long Duplicated,
    long Errors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Position = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ProbeP50Us = null)
{
    /// <summary>p90 latency, kept for interleaved blocks (<c>bench ab</c>), whose few hundred samples make p99 a maximum.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? P90Us { get; init; }
}

/// <summary>
/// The loopback echo probe measured beside a case's measured window (the ci profile): a raw TCP round trip of the
/// case's payload size, about 200 a second, with no Bench code on the path. A gate with <c>--normalize</c> adjusts
/// latencies for its p50.
/// </summary>
public sealed record ProbeSummary(long P50Us, long P99Us, long RoundTrips, int PayloadBytes);
