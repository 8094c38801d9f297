namespace Bench.Targets.Hub;

/// <summary>
/// Bytes held by queues that share one limit (the hub's subscriber queues). An event counts its payload plus a fixed
/// overhead for its queue entry, so a flood of tiny events is bounded as well as a few large ones. Thread-safe.
/// </summary>
internal sealed class ByteBudget(long limit)
{
    /// <summary>What one queued event costs beyond its payload: the entry, its record and sequence number.</summary>
    public const int EntryOverhead = 64;

    private long held;

    public long Limit { get; } = limit;

    public long Held => Interlocked.Read(ref held);

    /// <summary>Takes <paramref name="bytes"/> from the budget; false (nothing taken) when that would pass the limit.</summary>
    public bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref held, bytes) <= Limit)
        {
            return true;
        }

        Interlocked.Add(ref held, -bytes);
        return false;
    }

    public void Return(long bytes) => Interlocked.Add(ref held, -bytes);

    public static long CostOf(Events.PublishedEvent evt) => evt.Payload.Length + EntryOverhead;
}
