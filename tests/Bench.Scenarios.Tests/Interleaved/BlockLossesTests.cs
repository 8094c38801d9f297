using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Interleaved;
using Bench.Harness.Plan;
using Bench.Reports.Model;
using Bench.Reports.Warnings;
using Bench.Targets.Events;

namespace Bench.Scenarios.Tests.Interleaved;

/// <summary>A push block's losses, and deliveries that came after the block's drain: late, not lost.</summary>
public sealed class BlockLossesTests
{
    [Fact]
    public void A_delivery_that_arrives_after_its_block_ended_is_late_and_one_that_never_arrives_stays_lost()
    {
        var recorder = new RunRecorder(TimeProvider.System, TimeSpan.Zero, 60);
        recorder.Begin(TimeProvider.System.GetTimestamp());
        var accounting = new DeliveryAccounting(recorder, ["s0", "s1"]);
        var events = new SequenceSet();
        for (var n = 1; n <= 10; n++)
        {
            events.Add(n);
            Arrive(accounting, "s0", n);
            if (n <= 7)
            {
                Arrive(accounting, "s1", n);
            }
        }

        var quiet = new SequenceSet();
        quiet.Add(11);
        Arrive(accounting, "s0", 11);
        Arrive(accounting, "s1", 11);

        var lostAtEnd = BlockLosses.Missing(events, accounting);
        Assert.Equal(3, lostAtEnd);

        // s1's event 8 and 9 arrive after the block ended; 10 never does.
        Arrive(accounting, "s1", 8);
        Arrive(accounting, "s1", 9);
        Assert.Equal([2, 0], BlockLosses.Late([(events, lostAtEnd), (quiet, 0)], accounting));
        Assert.Equal(1, BlockLosses.Missing(events, accounting));
    }

    [Fact]
    public void Late_deliveries_count_as_delivered_and_the_result_says_so()
    {
        var settings = new ScenarioSettings
        {
            RatePerSec = 10,
            Subscribers = 2,
            PayloadBytes = 16,
            Connections = 2,
            Duration = TimeSpan.FromSeconds(2),
            Warmup = TimeSpan.Zero,
        };
        var info = new InterleavedInfo(1, 2, 1, 0, 0, 1, ["websocket"]);
        var h = Histograms.Create();
        h.RecordValue(1000);
        BlockFigures[] blocks =
        [
            new(1, 1, 1, BlockFigures.Full, 1000, 1000, 1000, 20, 20, 0, 0, 0, 10, 1, true),
            new BlockFigures(1, 2, 2, BlockFigures.Full, 1000, 1000, 1000, 20, 19, 1, 0, 0, 10, 1, true) { Late = 2 },
        ];

        var result = ComparisonResults.Build("push", "push", "websocket", settings, info, blocks, h, new GeneratorStats(0, 0, 0), 50);

        Assert.Equal(new DeliveryCounts(40, 39, 1, 0, 0, 0), result.Counts);
        Assert.Contains(result.Warnings!, w => w.Is(WarningKinds.LateDeliveries) && w.Effect == 2);
    }

    [Fact]
    public void An_ab_job_moves_each_sides_late_deliveries_into_its_own_recorded_blocks()
    {
        // A warm-up block of each side (not recorded), then pairs in the order run: base, head, head, base.
        static BlockResult Block(int side, int position, long lost) =>
            new(side, position / 2, position, 100, 200, 300, 10, 20 - lost, 0, 50, 1) { Lost = lost };
        var blocks = new List<BlockResult>
        {
            Block(0, 0, 0), Block(1, 0, 0), Block(0, 1, 3), Block(1, 2, 4), Block(1, 3, 0), Block(0, 4, 2),
        };

        Assert.Equal(3, BlockLosses.MoveLate(blocks, 0, [3, 0]));
        Assert.Equal(1, BlockLosses.MoveLate(blocks, 1, [1, 0]));

        Assert.Equal([(0L, 20L), (0, 20), (0, 20), (3, 17), (0, 20), (2, 18)], blocks.Select(b => (b.Lost, b.Delivered)));
    }

    private static void Arrive(DeliveryAccounting accounting, string stream, long seq)
    {
        var now = TimeProvider.System.GetTimestamp();
        accounting.OnArrival(new EnvelopeFields($"evt_{seq}", stream, seq, now), 16, now);
    }
}
