using System.Diagnostics;
using System.Globalization;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Histograms;
using Bench.Reports.Model;
using Bench.Reports.Warnings;

namespace Bench.Harness.Interleaved;

/// <summary>What an interleaved job runs: the two builds, the blocks, and where its files go.</summary>
public sealed record InterleavedOptions(
    TargetBuild Base,
    TargetBuild Head,
    string BaseLabel,
    string HeadLabel,
    IReadOnlyList<ITransport> Transports)
{
    /// <summary>Pairs of measured blocks per case.</summary>
    public int Pairs { get; init; } = 20;

    public TimeSpan Block { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Warm-up of each side before its case's first block, not kept.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public int Seed { get; init; } = 1;

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The interleaved A/B job behind <c>bench ab</c>: for every gated case (rtt and push of the ci profile, per
/// transport), starts the base's and the head's targets side by side, warms each up, then alternates short blocks
/// of the same load between them in a random order within each pair. Each side's blocks become that case's launches,
/// positioned so that block i of base and block i of head are a pair, and are gated as pairs.
/// </summary>
public static class InterleavedJob
{
    /// <summary>The cases: rtt where the transport has it, then push, at the ci profile's settings.</summary>
    public static IReadOnlyList<(string Scenario, ITransport Transport, ScenarioSettings Settings)> Cases(
        IReadOnlyList<ITransport> transports)
    {
        var rtt = new RttScenario().Defaults(Profile.Ci);
        var push = new PushScenario().Defaults(Profile.Ci);
        return [.. transports.Where(t => t.Unsupported("rtt") is null).Select(t => ("rtt", t, rtt)),
            .. transports.Select(t => ("push", t, push))];
    }

    /// <summary>Runs every case; returns the base's and the head's results (blocks as launches), kept so far when stopped.</summary>
    public static async Task<(RunResults Base, RunResults Head)> RunAsync(InterleavedOptions o, string commandLine, TextWriter progress,
        TimeProvider clock, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var baseResults = new List<ScenarioResult>();
        var headResults = new List<ScenarioResult>();
        var cases = Cases(o.Transports);
        var watch = Stopwatch.StartNew();
        for (var c = 0; c < cases.Count; c++)
        {
            var (scenario, transport, settings) = cases[c];
            var name = $"{scenario}/{transport.Name}";
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"case {c + 1} of {cases.Count}: {name} — starting base and " +
                $"head targets ({watch.Elapsed.TotalSeconds:0} s so far)"));
            var context = new ScenarioContext(settings, o.ReadyTimeout, NullProgressSink.Instance) { Clock = clock };
            var sides = new BlockSide?[2];
            try
            {
                for (var side = 0; side < 2; side++)
                {
                    using (side == 0 ? o.Base.Use() : o.Head.Use())
                    {
                        sides[side] = scenario == "rtt"
                            ? await RttBlockSide.StartAsync(context, transport, ct).ConfigureAwait(false)
                            : await PushBlockSide.StartAsync(context, transport, ct).ConfigureAwait(false);
                    }
                }

                foreach (var side in sides)
                {
                    await side!.RunBlockAsync(0, -1, 0, o.Warmup, record: false, ct).ConfigureAwait(false);
                }

                var blocks = new List<BlockResult>();
                var schedule = Interleaving.Schedule(Interleaving.FirstSides(o.Pairs, o.Seed + c));
                foreach (var (pair, side, position) in schedule)
                {
                    if (sides[side]!.Target.HasExited)
                    {
                        throw sides[side]!.Target.DiedException($"{name}, block {position}");
                    }

                    blocks.Add(await sides[side]!.RunBlockAsync(side, pair, position, o.Block, record: true, ct).ConfigureAwait(false));
                    if (position % 10 == 0)
                    {
                        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {position / 2} of {o.Pairs} pairs"));
                    }
                }

                var late = new long[2];
                for (var side = 0; side < 2; side++)
                {
                    late[side] = await CountLateAsync(sides[side]!, side, blocks, ct).ConfigureAwait(false);
                }

                var pairs = Interleaving.Pairs(blocks);
                baseResults.Add(Result(scenario, transport, settings, sides[0]!, Interleaving.Launches(pairs, 0), o, late[0]));
                headResults.Add(Result(scenario, transport, settings, sides[1]!, Interleaving.Launches(pairs, 1), o, late[1]));
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

        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{cases.Count} cases measured in {watch.Elapsed.TotalSeconds:0} s"));
        return (Run(baseResults, "base", o, started, commandLine), Run(headResults, "head", o, started, commandLine));
    }

    private static RunResults Run(List<ScenarioResult> results, string side, InterleavedOptions o, DateTimeOffset started,
        string commandLine) => new()
        {
            RunId = "ab-" + EnvironmentProbe.RunId(started) + "-" + side,
            StartedAt = started,
            Profile = "ci",
            Status = "complete",
            StatusMessage = $"interleaved blocks of base {o.BaseLabel} and head {o.HeadLabel}: each launch is one block, paired with the " +
            $"other build's neighbouring block",
            Environment = EnvironmentProbe.Describe(commandLine),
            Results = results,
        };

    /// <summary>How long the end of a case waits for deliveries its blocks counted lost (as <c>bench run</c> does).</summary>
    private static readonly TimeSpan LateLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Moves one side's deliveries that arrived after their block's drain, before the case ended, from lost to
    /// delivered (a loaded machine, not a loss); returns how many.
    /// </summary>
    private static async Task<long> CountLateAsync(BlockSide side, int index, List<BlockResult> blocks, CancellationToken ct) =>
        BlockLosses.MoveLate(blocks, index, await side.LateArrivalsAsync(LateLimit, ct).ConfigureAwait(false));

    private static ScenarioResult Result(string scenario, ITransport transport, ScenarioSettings s, BlockSide side,
        IReadOnlyList<LaunchFigures> launches, InterleavedOptions o, long late)
    {
        var seconds = launches.Count * o.Block.TotalSeconds;
        var delivered = launches.Sum(l => l.Delivered);
        var warnings = new List<RunWarning>();
        if (late > 0)
        {
            warnings.Add(WarningKinds.LateDeliveries.Of(late));
        }

        if (side.CoarseCpuBlocks > 0)
        {
            warnings.Add(WarningKinds.CoarseCpu.Of(side.CoarseCpuBlocks, launches.Count));
        }

        return new ScenarioResult
        {
            Scenario = scenario,
            Transport = transport.Name,
            Description = $"interleaved: {launches.Count} blocks of {o.Block.TotalSeconds:0.#} s, alternating with the other build's " +
                $"target in random order within each pair",
            Parameters = new ScenarioParameters(s.RatePerSec, s.Subscribers, s.PayloadBytes, seconds, o.Warmup.TotalSeconds, s.Connections),
            LatencyUs = HistogramCodec.Summarize(side.Latency),
            Throughput = new ThroughputSummary(s.RatePerSec,
                seconds > 0 ? Math.Round(launches.Sum(l => l.Sent) / seconds / Math.Max(1, scenario == "push" ? s.Subscribers : 1), 1) : 0,
                seconds > 0 ? Math.Round(delivered / seconds, 1) : 0),
            // The blocks' own counts, summed: each block accounts for exactly the events it published.
            Counts = new DeliveryCounts(launches.Sum(l => l.Sent), delivered, launches.Sum(l => l.Lost), launches.Sum(l => l.Duplicated), 0,
                launches.Sum(l => l.Errors)),
            Generator = new GeneratorStats(0, 0, 0),
            Target = new TargetStats(Math.Round(side.CpuSeconds, 3), Math.Round(side.Target.PeakRssMiB(), 1),
                seconds > 0 ? Math.Round(side.CpuSeconds / seconds * 100, 2) : 0),
            Warnings = warnings,
            Launches = [.. launches],
        };
    }
}
