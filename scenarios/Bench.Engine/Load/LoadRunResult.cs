using HdrHistogram;

namespace Bench.Engine.Load;

/// <summary>What the load runner did: exact counts and how late its schedule ran.</summary>
public sealed record LoadRunResult(
    long Scheduled,
    long Started,
    long Succeeded,
    long Failed,
    long Dropped,
    HistogramBase ScheduleLagUs,
    bool Cancelled,
    bool DrainTimedOut);
