using Bench.Engine.Recording;
using Bench.Harness.Clients;

namespace Bench.Harness.Interleaved;

/// <summary>A push block's losses: the deliveries of its events that some subscriber does not hold (yet).</summary>
public static class BlockLosses
{
    /// <summary>Deliveries of <paramref name="events"/> missing now, summed over every subscriber's stream.</summary>
    public static long Missing(SequenceSet events, DeliveryAccounting accounting) =>
        accounting.Trackers.Sum(t => events.Count - t.Seen().CountCommon(events));

    /// <summary>
    /// For blocks that counted <c>Lost</c> deliveries when they ended: how many of those have arrived since (late, not
    /// lost). A block that lost none has none late.
    /// </summary>
    public static IReadOnlyList<long> Late(IEnumerable<(SequenceSet Events, long Lost)> blocks, DeliveryAccounting accounting) =>
        [.. blocks.Select(b => b.Lost == 0 ? 0 : b.Lost - Missing(b.Events, accounting))];
}
