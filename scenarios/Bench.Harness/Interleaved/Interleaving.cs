using Bench.Reports.Model;

namespace Bench.Harness.Interleaved;

/// <summary>What one block of load against one side measured.</summary>
/// <param name="Side">0 for base, 1 for head.</param>
/// <param name="Pair">The pair of blocks it belongs to (0, 1, …).</param>
/// <param name="Position">Its place in the case's run of blocks (1, 2, …): a pair's two blocks are neighbours.</param>
/// <param name="P50Us">Latency percentiles of the block, from each request's or event's intended time.</param>
/// <param name="P90Us">See <paramref name="P50Us"/>.</param>
/// <param name="P99Us">See <paramref name="P50Us"/>.</param>
/// <param name="Sent">Requests sent (rtt) or deliveries due (push: accepted events × subscribers).</param>
/// <param name="Delivered">Answers (rtt) or deliveries (push) of the block's own requests or events.</param>
/// <param name="Errors">Failed requests or publishes.</param>
/// <param name="TargetCpuUs">The target's CPU time over the block, in µs.</param>
/// <param name="Seconds">The block's length of load.</param>
public sealed record BlockResult(
    int Side,
    int Pair,
    int Position,
    long P50Us,
    long P90Us,
    long P99Us,
    long Sent,
    long Delivered,
    long Errors,
    double TargetCpuUs,
    double Seconds)
{
    /// <summary>Events the block's target accepted that some subscriber never got (rtt: requests neither answered nor failed).</summary>
    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public double CpuUsPerEvent => Delivered == 0 ? double.NaN : TargetCpuUs / Delivered;

    /// <summary>The block's latency histogram (µs).</summary>
    public HdrHistogram.HistogramBase? Latency { get; init; }

    /// <summary>Whether <see cref="TargetCpuUs"/> came from the threads' scheduler time (else the 10 ms process counter).</summary>
    public bool CpuExact { get; init; }

    /// <summary>How late the block's load ran against its schedule (µs), and iterations it dropped.</summary>
    public HdrHistogram.HistogramBase? ScheduleLag { get; init; }

    public long Dropped { get; init; }
}

/// <summary>
/// Randomized multiple interleaved trials (Abedi and Brecht, ICPE 2017): both sides run in one window, alternating
/// in short blocks, and the order inside each pair of blocks is drawn at random, so whatever the machine does at a
/// moment falls on both sides alike and cannot line up with one of them.
/// </summary>
public static class Interleaving
{
    /// <summary>
    /// Which side goes first in each of <paramref name="pairs"/> pairs (0 base, 1 head): a seeded random draw per pair,
    /// balanced so that the two orders differ in number by at most one (a drift then cancels in the median ratio too).
    /// </summary>
    public static IReadOnlyList<int> FirstSides(int pairs, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pairs);
        var random = new Random(seed);
        var order = Enumerable.Range(0, pairs).Select(i => i % 2).ToArray();
        random.Shuffle(order);
        return order;
    }

    /// <summary>
    /// The order of <paramref name="sides"/> sides in each of <paramref name="rounds"/> rounds, seeded and balanced:
    /// rounds come in groups of one per side, each group the rotations of a random order of the sides (run forwards or
    /// backwards, drawn per group) in a random order, so that over the rounds every side holds every place in a round
    /// equally often (within one, when the rounds are not a whole number of groups) and no side always follows another.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> RoundOrders(int sides, int rounds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sides, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rounds);
        var random = new Random(seed);
        var orders = new List<IReadOnlyList<int>>(rounds);
        while (orders.Count < rounds)
        {
            var order = Enumerable.Range(0, sides).ToArray();
            random.Shuffle(order);
            var backwards = random.Next(2) == 1;
            var shifts = Enumerable.Range(0, sides).ToArray();
            random.Shuffle(shifts);
            foreach (var shift in shifts.Take(rounds - orders.Count))
            {
                orders.Add([.. Enumerable.Range(0, sides).Select(i => order[(backwards ? shift - i + sides : shift + i) % sides])]);
            }
        }

        return orders;
    }

    /// <summary>The blocks in the order they run: pair by pair, each pair's first side first.</summary>
    public static IReadOnlyList<(int Pair, int Side, int Position)> Schedule(IReadOnlyList<int> firstSides) =>
        [.. firstSides.SelectMany((first, pair) => new[] { (pair, first, 2 * pair + 1), (pair, 1 - first, 2 * pair + 2) })];

    /// <summary>
    /// The blocks as pairs (base, head), by pair number; a pair missing a side (a run stopped between its blocks) is
    /// left out, and a pair with two blocks of one side is an error.
    /// </summary>
    public static IReadOnlyList<(BlockResult Base, BlockResult Head)> Pairs(IEnumerable<BlockResult> blocks)
    {
        var pairs = new List<(BlockResult, BlockResult)>();
        foreach (var pair in blocks.GroupBy(b => b.Pair).OrderBy(g => g.Key))
        {
            var sides = pair.ToList();
            if (sides.Count > 2 || sides.Select(b => b.Side).Distinct().Count() != sides.Count)
            {
                throw new InvalidOperationException($"pair {pair.Key} has {sides.Count} blocks of sides " +
                    $"{string.Join(",", sides.Select(b => b.Side))}");
            }

            if (sides.Count == 2)
            {
                pairs.Add((sides.Single(b => b.Side == 0), sides.Single(b => b.Side == 1)));
            }
        }

        return pairs;
    }

    /// <summary>
    /// One side's blocks as a case's launches, pair by pair, each keeping its position: launch i of base and launch i
    /// of head are then neighbours, which is how the gate knows them as pairs.
    /// </summary>
    public static IReadOnlyList<LaunchFigures> Launches(IReadOnlyList<(BlockResult Base, BlockResult Head)> pairs, int side) =>
        [.. pairs.Select(p => side == 0 ? p.Base : p.Head).Select(b => new LaunchFigures(
            b.P50Us, b.P99Us, b.Seconds > 0 ? Math.Round(b.Delivered / b.Seconds, 1) : 0, Math.Round(b.CpuUsPerEvent, 3), b.Sent,
            b.Delivered, b.Lost, b.Duplicated, b.Errors, b.Position)
        {
            P90Us = b.P90Us,
        })];
}
