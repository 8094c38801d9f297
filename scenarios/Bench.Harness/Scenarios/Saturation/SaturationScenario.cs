using System.Globalization;
using Bench.Harness.Clients;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Transports;
using Bench.Reports.Model;

namespace Bench.Harness.Scenarios.Saturation;

/// <summary>
/// Where each transport breaks: stepped open-model load, each step × 1.5 the last, on one target kept for the whole
/// search, until a step breaches (p99 above the SLO, achieved below 95 % of offered, errors above 1 %, or any loss)
/// twice in a row or the step cap — for push (fan-out to 10 subscribers) and for rtt.
/// </summary>
public sealed class SaturationScenario : IScenario
{
    public const string Push = "push";
    public const string Rtt = "rtt";

    public string Name => "saturation";

    public string Description =>
        "Where each transport breaks: stepped open-model load, each step × 1.5 the last, until p99 exceeds the SLO, achieved falls " +
            "below 95 % of offered, errors exceed 1 % or an event is lost.";

    public string SettingsNote => "The rate is the first push step's (rtt starts 10× higher); warm-up + measured make one step; × 1.5 " +
        "a step, at most 12 steps (10 in the default suite, with 2 s steps); --slo-p99 sets the SLO.";

    public bool ConnectionsFollowSubscribers => false;

    /// <summary>Rate, duration and warm-up here are per step; the first step's rate is the push one (rtt starts 10× higher).</summary>
    public ScenarioSettings Defaults(Profile profile) => new()
    {
        RatePerSec = 400,
        Subscribers = 10,
        PayloadBytes = 256,
        Connections = 16,
        Duration = profile == Profile.Full ? TimeSpan.FromSeconds(8) : TimeSpan.FromSeconds(3),
        Warmup = profile == Profile.Full ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(1),
        DrainTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>Steps tried at most before the search stops without a breach.</summary>
    public static int StepCap(ScenarioSettings s) => s.Brief ? 10 : 12;

    public IReadOnlyList<string> Variants(ITransport transport) => [.. transport.DeliveryVariants.Where(v => v != WanLink.Variant)];

    /// <summary>Push for every transport, then rtt for those that have it (n/a for the others).</summary>
    public IEnumerable<ScenarioCase> Cases(RunPlan plan) =>
        new[] { Push, Rtt }.Where(mode => plan.SaturationModes.Count == 0 || plan.SaturationModes.Contains(mode))
            .SelectMany(mode => ScenarioCase.PerTransport(this, plan, mode, $"{Name}/{mode}",
            (transport, variant) => (context, ct) => RunAsync(Brief(context), mode, transport, variant, plan.SloP99 ?? DefaultSlo, ct))
            .Select(c => c.Transport.Unsupported(mode) is null ? c : c with { RunAsync = WithMode(c.RunAsync, mode) }));

    /// <summary>An n/a result of a mode still says which mode it was, so the report places it in that mode's table.</summary>
    private static Func<ScenarioContext, CancellationToken, Task<ScenarioResult>> WithMode(
        Func<ScenarioContext, CancellationToken, Task<ScenarioResult>> run, string mode) =>
        async (context, ct) => await run(context, ct).ConfigureAwait(false) with
        {
            Saturation = new SaturationSummary(mode, 0, 0, 0, "n/a", [])
        };

    public static readonly TimeSpan DefaultSlo = TimeSpan.FromMilliseconds(50);

    /// <summary>The default suite's short version: 2 s steps (0.5 s of them warm-up).</summary>
    private static ScenarioContext Brief(ScenarioContext context) => context.Settings.Brief
        ? context with { Settings = context.Settings with { Warmup = TimeSpan.FromSeconds(0.5), Duration = TimeSpan.FromSeconds(1.5) } }
        : context;

    private async Task<ScenarioResult> RunAsync(ScenarioContext context, string mode, ITransport transport, string variant,
        TimeSpan slo, CancellationToken ct)
    {
        using var wire = DeliveryWire.For(variant);
        var s = context.Settings;
        var start = mode == Rtt ? s.RatePerSec * 10 : s.RatePerSec;
        var sloUs = (long)slo.TotalMicroseconds;
        var steps = new List<SaturationStep>();
        var stepResults = new List<ScenarioResult>();
        await using var runner = mode == Rtt
            ? (IStepRunner)await RttSteps.StartAsync(context, transport, wire, ct).ConfigureAwait(false)
            : await PushSteps.StartAsync(context, transport, wire, ct).ConfigureAwait(false);
        foreach (var rate in SaturationSearch.Rates(start, StepCap(s)))
        {
            var stepContext = context with { Settings = s with { RatePerSec = rate } };
            var label = string.Create(CultureInfo.InvariantCulture, $"{Name}/{mode} {rate:N0}/s");
            var (step, result) = await StepAsync(runner, stepContext, label, mode, transport, rate, sloUs, ct).ConfigureAwait(false);
            if (step.Breach is { } first && !ct.IsCancellationRequested)
            {
                // A breach is confirmed by running the step again: one stall of a shared machine should not end the search.
                context.Progress.Message($"  {label}: breach ({first}); running the step again to confirm");
                (step, result) = await StepAsync(runner, stepContext, label, mode, transport, rate, sloUs, ct).ConfigureAwait(false);
                step = step with { FirstAttempt = first };
            }

            steps.Add(step);
            stepResults.Add(result);
            context.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"  {label}: achieved {step.AchievedPerSec:N0}/s, p99 {Bench.Reports.Metrics.Formats.Milliseconds(step.P99Us)}" +
                $"{(step.Breach is null ? "" : " — breach: " + step.Breach)}"));
            if (step.Breach is not null || ct.IsCancellationRequested)
            {
                break;
            }
        }

        var (max, reason) = SaturationSearch.Conclude(steps, StepCap(s));
        var held = steps.FindLastIndex(x => x.Breach is null);
        var shown = stepResults[Math.Max(0, held)];
        return shown with
        {
            Scenario = Name,
            Description = Description,
            Variant = variant,
            Saturation = new SaturationSummary(mode, sloUs, (s.Warmup + s.Duration).TotalSeconds, max, reason, steps),
        };
    }

    private static async Task<(SaturationStep Step, ScenarioResult Result)> StepAsync(
        IStepRunner runner, ScenarioContext context, string label, string mode, ITransport transport, double rate,
        long sloUs, CancellationToken ct)
    {
        var (result, targetCpu) = await runner.StepAsync(context, label, transport, ct).ConfigureAwait(false);
        var achieved = mode == Push
            ? result.Throughput.DeliveredPerSec / Math.Max(1, context.Settings.Subscribers)
            : result.Throughput.AchievedPerSec;
        var step = new SaturationStep(rate, Math.Round(achieved, 1), result.LatencyUs.P50, result.LatencyUs.P99, result.Counts.Delivered,
            result.Counts.Errors, result.Counts.Lost, Math.Round(targetCpu, 1), null);
        return (step with { Breach = SaturationSearch.Breach(step, sloUs) }, result);
    }

    /// <summary>One target and its clients, kept across the steps of a search.</summary>
    private interface IStepRunner : IAsyncDisposable
    {
        Task<(ScenarioResult Result, double TargetCpuPercent)> StepAsync(ScenarioContext context, string label,
            ITransport transport, CancellationToken ct);
    }

    private sealed class RttSteps(IRttSession session) : IStepRunner
    {
        public static async Task<RttSteps> StartAsync(ScenarioContext context, ITransport transport,
            DeliveryWire wire, CancellationToken ct) =>
            new(await RttScenario.StartSessionAsync(context, transport, wire.Variant, wire, wan: false, ct).ConfigureAwait(false));

        public async Task<(ScenarioResult, double)> StepAsync(ScenarioContext context, string label,
            ITransport transport, CancellationToken ct)
        {
            var s = context.Settings;
            var payload = new Payloads(s.PayloadBytes);
            var load = new MeasuredLoad(context, label, transport.Name);
            var recorder = load.NewRecorder();
            var outcome = await load.RunAsync(session.Target, recorder, recorder, s.Connections,
                (it, token) => session.ExchangeAsync(it, payload, token), null, ct).ConfigureAwait(false);
            var counts = new DeliveryCounts(recorder.Sent, recorder.Delivered, 0, 0, 0, recorder.Errors);
            return (ResultBuilder.Build("saturation", "", transport.Name, s, recorder, outcome, counts, recorder.Delivered,
                new Dictionary<string, long>(), []), outcome.TargetCpuPercent);
        }

        public ValueTask DisposeAsync() => session.DisposeAsync();
    }

    private sealed class PushSteps(IPushFanOut fanOut, IEventPublisher publisher, DeliveryAccounting accounting) : IStepRunner
    {
        private long nextNumber = 1;

        public static async Task<PushSteps> StartAsync(ScenarioContext context, ITransport transport,
            DeliveryWire wire, CancellationToken ct)
        {
            var s = context.Settings;
            var streams = Enumerable.Range(0, s.Subscribers).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            var maxMessage = Math.Max(64 * 1024, s.PayloadBytes * 2 + 1024);
            var token = Secrets.NewToken();
            var accounting = new DeliveryAccounting(new MeasuredLoad(context, "saturation", transport.Name).NewRecorder(), streams);
            var fanOut = await transport.StartPushAsync(context, new PushSetup(token, streams, accounting, maxMessage, wire.Variant, wire),
                ct).ConfigureAwait(false);
            try
            {
                var publisher = await fanOut.ConnectPublisherAsync(new Payloads(s.PayloadBytes), ct).ConfigureAwait(false);
                return new PushSteps(fanOut, publisher, accounting);
            }
            catch
            {
                await fanOut.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async Task<(ScenarioResult, double)> StepAsync(ScenarioContext context, string label,
            ITransport transport, CancellationToken ct)
        {
            var s = context.Settings;
            var load = new MeasuredLoad(context, label, transport.Name);
            var recorder = load.NewRecorder();
            var publishRecorder = load.NewRecorder();
            accounting.RecordInto(recorder);
            var tally = new PublishTally(recorder);
            var settledBefore = publisher.AcceptedCount + publisher.Rejected;
            long highest = 0;
            var outcome = await load.RunAsync(fanOut.Target, recorder, publishRecorder, 1, async (it, token) =>
            {
                InterlockedMax(ref highest, it.Number);
                await publisher.PublishAsync(it.Number, it.IntendedTimestamp, token).ConfigureAwait(false);
                tally.Published(it);
            }, () => publisher.AcceptedCount + publisher.Rejected - settledBefore >= tally.Count
                && accounting.AllArrived(PushScenario.AcceptedOrReceived(publisher, accounting)), ct,
                    firstNumber: nextNumber).ConfigureAwait(false);

            // Numbers keep counting up across steps, so each step's events are told apart from a straggler of the last.
            nextNumber = Math.Max(nextNumber, Interlocked.Read(ref highest) + 1);
            var errors = new Dictionary<string, long>();
            foreach (var (kind, count) in publishRecorder.ErrorsByKind.Snapshot())
            {
                errors["publish_" + kind] = count;
            }

            var counts = PushScenario.Count(recorder, accounting, publisher, tally.FirstMeasured);
            return (ResultBuilder.Build("saturation", "", transport.Name, s, recorder, outcome, counts, recorder.Sent, errors, []),
                outcome.TargetCpuPercent);
        }

        private static void InterlockedMax(ref long location, long value)
        {
            long current;
            while (value > (current = Interlocked.Read(ref location))
                && Interlocked.CompareExchange(ref location, value, current) != current)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            await fanOut.DisposeAsync().ConfigureAwait(false);
        }
    }
}
