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

    /// <summary>
    /// Moves one side's late deliveries (<see cref="Late"/>, one count per block that side recorded, in order) from lost
    /// to delivered in a job's blocks, where that side's recorded blocks are its last ones; returns how many moved.
    /// </summary>
    public static long MoveLate(List<BlockResult> blocks, int side, IReadOnlyList<long> late)
    {
        var mine = Enumerable.Range(0, blocks.Count).Where(i => blocks[i].Side == side).ToList();
        var first = mine.Count - late.Count;
        var total = 0L;
        for (var k = 0; k < late.Count; k++)
        {
            if (first + k >= 0 && late[k] > 0)
            {
                var at = mine[first + k];
                blocks[at] = blocks[at] with { Lost = blocks[at].Lost - late[k], Delivered = blocks[at].Delivered + late[k] };
                total += late[k];
            }
        }

        return total;
    }
}
