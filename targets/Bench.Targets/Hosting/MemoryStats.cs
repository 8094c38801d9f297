namespace Bench.Targets.Hosting;

/// <summary>
/// A target's memory at <c>GET /memory</c>, read after a full blocking, compacting collection so that garbage does
/// not count: the resident set (bytes) and the live managed heap (bytes).
/// </summary>
public sealed record MemoryStats(long RssBytes, long ManagedBytes)
{
    public static MemoryStats Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return new MemoryStats(Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false));
    }
}
