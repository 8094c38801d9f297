using System.Text.Json.Serialization;

namespace Bench.Reports.Model;

/// <summary>
/// How an interleaved comparison ran: every transport's target up at once, each in its own process, launched
/// <c>targetLaunches</c> times (fresh processes each time); after a warm-up of each apart, <c>roundsPerLaunch</c> rounds,
/// each one block of <c>blockSec</c> per transport in a seeded random order (and, with a cost probe, one block of
/// <c>halfBlockSec</c> at half the rate). <c>seed</c> makes the order reproducible.
/// </summary>
public sealed record InterleavedInfo(
    int TargetLaunches,
    int RoundsPerLaunch,
    double BlockSec,
    double HalfBlockSec,
    double WarmupSec,
    int Seed,
    List<string> Transports);

/// <summary>
/// One block of an interleaved comparison, for one transport: its target launch and round (from 1), its place in the
/// launch's order of blocks, the load it carried (<c>full</c>, or <c>half</c> for the cost probe), its latency
/// percentiles (µs, from each request's or event's intended time), exact counts, and the target's CPU over it in µs —
/// from the threads' scheduler time (ns) when <c>cpuExact</c>, else from the 10 ms process counter. <c>histogram</c>
/// is the block's latency histogram (full-rate blocks), which the intervals pool when they resample blocks.
/// <c>late</c> (push; omitted when 0): deliveries that had not arrived when the block ended (every event arrived, or its
/// drain limit passed) but arrived before the launch ended; they count in <c>delivered</c>, not <c>lost</c>.
/// </summary>
public sealed record BlockFigures(
    int Launch,
    int Round,
    int Position,
    string Load,
    long P50Us,
    long P90Us,
    long P99Us,
    long Sent,
    long Delivered,
    long Lost,
    long Duplicated,
    long Errors,
    double TargetCpuUs,
    double Seconds,
    bool CpuExact,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Histogram = null)
{
    public const string Full = "full";
    public const string Half = "half";

    /// <summary>Deliveries that came after the block's drain limit, before the launch ended (counted delivered).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Late { get; init; }
}
