using System.Diagnostics;
using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Plan;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Warnings;
using HdrHistogram;

namespace Bench.Harness.Interleaved;

/// <summary>
/// What an interleaved comparison of transports runs: how to start one transport's side, how many target launches and
/// rounds, how long a block is, and (for the cost probe) the half-rate block beside each full one.
/// </summary>
internal sealed record ComparisonPlan(
    string Scenario,
    string Description,
    IReadOnlyList<ITransport> Transports,
    Func<ScenarioContext, ITransport, CancellationToken, Task<BlockSide>> Start)
{
    /// <summary>Fresh launches of every transport's target. The default is 2.</summary>
    public int TargetLaunches { get; init; } = 2;

    /// <summary>Rounds in each launch: one full-rate block per transport each. The default is 5.</summary>
    public int RoundsPerLaunch { get; init; } = 5;

    /// <summary>A block of load. The default is 1 second.</summary>
    public TimeSpan Block { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A block at half the rate beside each full one, for the marginal cost; zero for none (the default).</summary>
    public TimeSpan HalfBlock { get; init; }

    /// <summary>Warm-up of each side, apart from the others, at the start of each launch. The default is 2 seconds.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public int Seed { get; init; } = 1;

    /// <summary>
    /// The load of every block (the scenario's settings for this comparison, e.g. overhead's payload size); null keeps the context's.
    /// </summary>
    public Plan.ScenarioSettings? Settings { get; init; }

    /// <summary>Called for each side at the end of each launch, before it stops (the overhead scenario reads its wire).</summary>
    public Action<int, BlockSide>? Collect { get; init; }

    /// <summary>Completes a transport's result from what <see cref="Collect"/> gathered (its index, the result so far).</summary>
    public Func<int, ScenarioResult, ScenarioResult>? Finish { get; init; }
}

/// <summary>
/// An interleaved comparison of transports (duet benchmarking, Bulej et al. 2020; randomized multiple interleaved trials,
/// Abedi and Brecht 2017): every transport's target runs at once, each in its own process so its CPU and memory stay
/// its own; each is warmed up apart; then the measured load is cut into short blocks and each round runs one block per
/// transport in a seeded, balanced random order, while the idle transports hold their subscribers. Whatever the machine
/// does in a round falls on every transport alike. The whole is repeated on fresh target processes
/// (<see cref="ComparisonPlan.TargetLaunches"/>), so that the intervals can cover what changes from launch to launch.
/// </summary>
internal static class TransportComparison
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(ScenarioContext context, ComparisonPlan plan, CancellationToken ct)
    {
        context = context with { Settings = plan.Settings ?? context.Settings };
        var n = plan.Transports.Count;
        var blocks = Enumerable.Range(0, n).Select(_ => new List<BlockFigures>()).ToArray();
        var latency = Enumerable.Range(0, n).Select(_ => Histograms.Create()).ToArray();
        var peakRss = new double[n];
        var harnessCpuUs = new double[n];
        var guarantees = new string?[n];
        var sideWarnings = Enumerable.Range(0, n).Select(_ => new List<RunWarning>()).ToArray();
        var lag = Enumerable.Range(0, n).Select(_ => Histograms.Create()).ToArray();
        var dropped = new long[n];
        var watch = Stopwatch.StartNew();
        var names = string.Join(", ", plan.Transports.Select(t => t.Name));
        var live = context.Metrics?.BeginCases(plan.Scenario, [.. plan.Transports.Select(t => t.Name)], VariantName.Default,
            context.Settings.RatePerSec);
        for (var launch = 1; launch <= plan.TargetLaunches; launch++)
        {
            ct.ThrowIfCancellationRequested();
            context.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"{plan.Scenario}: target launch {launch} of {plan.TargetLaunches}: starting {names} side by side " +
                $"({watch.Elapsed.TotalSeconds:0} s so far)"));
            var sides = new BlockSide?[n];
            try
            {
                for (var i = 0; i < n; i++)
                {
                    sides[i] = await plan.Start(context, plan.Transports[i], ct).ConfigureAwait(false);
                }

                // Each side warms up apart, so that one's JIT and first connections do not fall in another's blocks.
                foreach (var side in sides.Where(_ => plan.Warmup > TimeSpan.Zero))
                {
                    await side!.RunBlockAsync(0, -1, 0, plan.Warmup, record: false, ct).ConfigureAwait(false);
                }

                var orders = Interleaving.RoundOrders(n, plan.RoundsPerLaunch, plan.Seed + (1000 * launch) + StableHash(plan.Scenario));
                var halfFirst = new Random(plan.Seed + launch);
                var position = 0;
                for (var round = 1; round <= plan.RoundsPerLaunch; round++)
                {
                    foreach (var index in orders[round - 1])
                    {
                        var side = sides[index]!;
                        var loads = plan.HalfBlock > TimeSpan.Zero
                            ? halfFirst.Next(2) == 0
                                ? new[] { BlockFigures.Full, BlockFigures.Half }
                                : [BlockFigures.Half, BlockFigures.Full]
                            : [BlockFigures.Full];
                        foreach (var load in loads)
                        {
                            if (side.Target.HasExited)
                            {
                                throw side.Target.DiedException($"{plan.Scenario}/{plan.Transports[index].Name}, launch " +
                                    $"{launch}, round {round}");
                            }

                            var half = load == BlockFigures.Half;
                            var harnessBefore = HarnessCpuUs();
                            var b = await side.RunBlockAsync(index, round, ++position, half ? plan.HalfBlock : plan.Block,
                                record: true, ct, half ? 0.5 : 1)
                                .ConfigureAwait(false);
                            harnessCpuUs[index] += HarnessCpuUs() - harnessBefore;
                            if (!half && b.Latency is { } h)
                            {
                                latency[index].Add(h);
                            }

                            if (b.ScheduleLag is { } late)
                            {
                                lag[index].Add(late);
                            }

                            dropped[index] += b.Dropped;
                            live?[index].AddBlock(b.Sent, b.Delivered, b.Errors, b.Seconds, b.Latency);
                            blocks[index].Add(Figures(b, launch, round, load));
                        }
                    }

                    context.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                        $"  {plan.Scenario}: launch {launch}, round {round} of {plan.RoundsPerLaunch} ({watch.Elapsed.TotalSeconds:0} s)"));
                }

                for (var i = 0; i < n; i++)
                {
                    await CountLateAsync(sides[i]!, blocks[i], ct).ConfigureAwait(false);
                    peakRss[i] = Math.Max(peakRss[i], sides[i]!.Target.PeakRssMiB());
                    guarantees[i] ??= sides[i]!.Guarantee;
                    sideWarnings[i].AddRange(sides[i]!.Warnings().Select(w => w.In($"target launch {launch}")));
                    plan.Collect?.Invoke(i, sides[i]!);
                }
            }
            finally
            {
                foreach (var side in sides)
                {
                    if (side is not null)
                    {
                        await side.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }

        var info = new InterleavedInfo(plan.TargetLaunches, plan.RoundsPerLaunch, plan.Block.TotalSeconds, plan.HalfBlock.TotalSeconds,
            plan.Warmup.TotalSeconds,
            plan.Seed, [.. plan.Transports.Select(t => t.Name)]);
        var results = new List<ScenarioResult>(n);
        for (var i = 0; i < n; i++)
        {
            var seconds = blocks[i].Sum(b => b.Seconds);
            var generatorPercent = seconds > 0 ? harnessCpuUs[i] / 1e6 / seconds / Environment.ProcessorCount * 100 : 0;
            var result = ComparisonResults.Build(plan.Scenario, plan.Description, plan.Transports[i].Name, context.Settings,
                info, blocks[i], latency[i],
                new GeneratorStats(HistogramCodec.ValueAtPercentile(lag[i], 99), dropped[i], Math.Round(generatorPercent, 2)),
                peakRss[i]) with
            {
                Guarantee = guarantees[i] ?? plan.Transports[i].Guarantee,
            };
            result = result with { Warnings = [.. result.Warnings, .. sideWarnings[i]] };
            results.Add(plan.Finish?.Invoke(i, result) ?? result);
        }

        return results;
    }

    /// <summary>How long the end of a launch waits for deliveries its blocks counted lost.</summary>
    private static readonly TimeSpan LateLimit = TimeSpan.FromSeconds(5);

    /// <summary>Moves the deliveries that arrived after their block's drain, before the launch ended, from lost to late.</summary>
    private static async Task CountLateAsync(BlockSide side, List<BlockFigures> blocks, CancellationToken ct)
    {
        var late = await side.LateArrivalsAsync(LateLimit, ct).ConfigureAwait(false);
        for (var k = 0; k < late.Count; k++)
        {
            var at = blocks.Count - late.Count + k;
            if (late[k] > 0)
            {
                var b = blocks[at];
                blocks[at] = b with { Lost = b.Lost - late[k], Delivered = b.Delivered + late[k], Late = late[k] };
            }
        }
    }

    private static BlockFigures Figures(BlockResult b, int launch, int round, string load) => new(
        launch, round, b.Position, load, b.P50Us, b.P90Us, b.P99Us, b.Sent, b.Delivered, b.Lost, b.Duplicated, b.Errors,
        Math.Round(b.TargetCpuUs, 1), b.Seconds, b.CpuExact,
        load == BlockFigures.Full && b.Latency is { } h ? HistogramCodec.Encode(h) : null);

    /// <summary>
    /// The harness's CPU so far: the process counter, which never goes back (summing its threads' times would, when a
    /// thread-pool thread exits between two readings).
    /// </summary>
    private static double HarnessCpuUs()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalMicroseconds;
    }

    private static int StableHash(string s) => s.Aggregate(17, (h, c) => unchecked((h * 31) + c)) & 0xffff;
}

/// <summary>An interleaved case's result, built from its blocks (public so that tests can build one from scripted blocks).</summary>
public static class ComparisonResults
{
    /// <summary>
    /// A transport's result from its blocks: latency from the full-rate blocks' histograms, counts summed over every
    /// block (each accounts for exactly the events it published), target CPU summed over the blocks.
    /// </summary>
    public static ScenarioResult Build(
        string scenario, string description, string transport, Plan.ScenarioSettings s, InterleavedInfo info,
        IReadOnlyList<BlockFigures> blocks,
        HistogramBase latency, GeneratorStats generator, double peakRssMiB)
    {
        var full = blocks.Where(b => b.Load == BlockFigures.Full).ToList();
        var fullSeconds = full.Sum(b => b.Seconds);
        var seconds = blocks.Sum(b => b.Seconds);
        var cpuSeconds = blocks.Sum(b => b.TargetCpuUs) / 1e6;
        var perEvent = scenario == "rtt" ? 1 : Math.Max(1, s.Subscribers);
        var warnings = new List<RunWarning>();
        if (blocks.Count(b => !b.CpuExact) is var coarse and > 0)
        {
            warnings.Add(WarningKinds.CoarseCpu.Of(coarse, blocks.Count));
        }

        if (blocks.Sum(b => b.Late) is var late and > 0)
        {
            warnings.Add(WarningKinds.LateDeliveries.Of(late));
        }

        var expected = full.Sum(b => b.Seconds * s.RatePerSec * perEvent);
        var sent = full.Sum(b => b.Sent);
        if (expected > 0 && sent < 0.95 * expected)
        {
            warnings.Add(WarningKinds.RateNotReached.Blocks(sent, expected));
        }

        return new ScenarioResult
        {
            Scenario = scenario,
            Transport = transport,
            Description = description,
            Parameters = new ScenarioParameters(s.RatePerSec, s.Subscribers, s.PayloadBytes, Math.Round(fullSeconds, 3),
                info.WarmupSec, s.Connections),
            LatencyUs = HistogramCodec.Summarize(latency),
            Throughput = new ThroughputSummary(s.RatePerSec, fullSeconds > 0 ? Math.Round(sent / fullSeconds / perEvent, 1) : 0,
                fullSeconds > 0 ? Math.Round(full.Sum(b => b.Delivered) / fullSeconds, 1) : 0),
            Counts = new DeliveryCounts(blocks.Sum(b => b.Sent), blocks.Sum(b => b.Delivered), blocks.Sum(b => b.Lost),
                blocks.Sum(b => b.Duplicated), 0, blocks.Sum(b => b.Errors)),
            Generator = generator,
            Target = new TargetStats(Math.Round(cpuSeconds, 3), Math.Round(peakRssMiB, 1),
                seconds > 0 ? Math.Round(cpuSeconds / seconds * 100, 2) : 0),
            Warnings = warnings,
            Interleaved = info,
            Blocks = [.. blocks],
        };
    }
}
