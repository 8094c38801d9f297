using System.Diagnostics.Metrics;
using Bench.Engine.Recording;
using HdrHistogram;

namespace Bench.Engine.Metrics;

/// <summary>
/// A run's figures as <see cref="System.Diagnostics.Metrics"/> instruments on the meter <see cref="MeterName"/>, so any
/// listener — OpenTelemetry's OTLP or Prometheus exporters, <c>dotnet-counters</c>, a test's <see cref="MeterListener"/>
/// — can watch a run while it goes. Counts are those of results.json: the measured window of each case, tagged with
/// its scenario, transport and variant. While a case runs they come from its live recorder; once it has finished, from
/// its final counts (so a scrape after a case equals what results.json says of it, lost and duplicated included).
/// </summary>
public sealed class LiveMetrics : IDisposable
{
    public const string MeterName = "Bench";

    private readonly Meter meter = new(MeterName, typeof(LiveMetrics).Assembly.GetName().Version?.ToString());
    private readonly Histogram<double> latency;
    private readonly TimeProvider clock;
    private readonly object gate = new();
    private readonly List<CaseState> cases = [];
    private CaseState? current;

    public LiveMetrics(TimeProvider clock)
    {
        this.clock = clock;
        meter.CreateObservableCounter("bench.events.sent", () => Counts(c => c.Sent), "{event}",
            "Events (or requests) sent in the measured window.");
        meter.CreateObservableCounter("bench.events.delivered", () => Counts(c => c.Delivered), "{delivery}",
            "Deliveries received in the measured window.");
        meter.CreateObservableCounter("bench.events.errors", () => Counts(c => c.Errors), "{error}", "Errors in the measured window.");
        meter.CreateObservableCounter("bench.events.lost", () => Counts(c => c.Lost), "{delivery}",
            "Deliveries lost (known when the case ends).");
        meter.CreateObservableCounter("bench.events.duplicated", () => Counts(c => c.Duplicated), "{delivery}",
            "Deliveries received more than once (known when the case ends).");
        meter.CreateObservableGauge("bench.rate.offered", () => Gauge(c => c.Offered), "{event}/s", "The rate the case offers.");
        meter.CreateObservableGauge("bench.rate.achieved", () => Gauge(Achieved), "{delivery}/s",
            "Deliveries a second so far in the measured window.");
        latency = meter.CreateHistogram<double>("bench.latency", "ms",
            "Latency from the intended time of each delivery in the measured window.");
    }

    /// <summary>Starts a case: what is recorded from now on is tagged with it.</summary>
    public void BeginCase(string scenario, string transport, string variant, double offeredPerSec)
    {
        lock (gate)
        {
            current = new CaseState([new("scenario", scenario), new("transport", transport), new("variant", variant)], offeredPerSec);
            cases.Add(current);
        }
    }

    /// <summary>
    /// Starts cases measured at once, block by block (an interleaved comparison of <paramref name="transports"/>): each
    /// one's counts are the sum of the blocks handed to its <see cref="LiveCase.AddBlock"/> until it is ended.
    /// </summary>
    public IReadOnlyList<LiveCase> BeginCases(string scenario, IReadOnlyList<string> transports, string variant, double offeredPerSec)
    {
        lock (gate)
        {
            var started = transports
                .Select(t => new CaseState([new("scenario", scenario), new("transport", t), new("variant", variant)], offeredPerSec))
                .ToList();
            cases.AddRange(started);
            return [.. started.Select(c => new LiveCase(this, c))];
        }
    }

    /// <summary>Watches <paramref name="recorder"/> as the current case's: its counts, and each measured latency.</summary>
    public void Track(RunRecorder recorder)
    {
        lock (gate)
        {
            if (current is null)
            {
                return;
            }

            current.Recorder = recorder;
            var tags = current.Tags;
            recorder.LatencyObserver = micros => latency.Record(micros / 1000.0, tags);
        }
    }

    /// <summary>Ends the current case with the counts results.json gives it.</summary>
    public void EndCase(long sent, long delivered, long errors, long lost, long duplicated)
    {
        lock (gate)
        {
            if (current is null)
            {
                return;
            }

            End(current, new FinalCounts(sent, delivered, errors, lost, duplicated));
            current = null;
        }
    }

    /// <summary>
    /// Ends the open case of <paramref name="transport"/> begun with <see cref="BeginCases"/>, with the counts
    /// results.json gives it.
    /// </summary>
    public void EndCase(
        string scenario,
        string transport,
        string variant,
        long sent,
        long delivered,
        long errors,
        long lost,
        long duplicated)
    {
        lock (gate)
        {
            var open = cases.LastOrDefault(c => c.Final is null && c != current && c.Is(scenario, transport, variant));
            if (open is not null)
            {
                End(open, new FinalCounts(sent, delivered, errors, lost, duplicated));
            }
        }
    }

    private static void End(CaseState c, FinalCounts final)
    {
        c.Final = final;
        if (c.Recorder is { } recorder)
        {
            recorder.LatencyObserver = null;
        }
    }

    private IEnumerable<Measurement<long>> Counts(Func<Snapshot, long> pick)
    {
        lock (gate)
        {
            return [.. cases.Select(c => new Measurement<long>(pick(c.Snapshot()), c.Tags))];
        }
    }

    private IEnumerable<Measurement<double>> Gauge(Func<CaseState, double> pick)
    {
        lock (gate)
        {
            return [.. cases.Where(c => c.Final is null).Select(c => new Measurement<double>(pick(c), c.Tags))];
        }
    }

    private double Achieved(CaseState c)
    {
        if (c.BlockSeconds > 0)
        {
            return c.Blocks.Delivered / c.BlockSeconds;
        }

        if (c.Recorder is not { } r || r.MeasureStart == long.MaxValue)
        {
            return 0;
        }

        var seconds = clock.GetElapsedTime(r.MeasureStart).TotalSeconds;
        return seconds > 0 ? r.Delivered / seconds : 0;
    }

    public void Dispose() => meter.Dispose();

    /// <summary>A case measured in blocks, among others measured at once.</summary>
    public sealed class LiveCase
    {
        private readonly LiveMetrics owner;
        private readonly CaseState state;

        internal LiveCase(LiveMetrics owner, CaseState state) => (this.owner, this.state) = (owner, state);

        /// <summary>
        /// Adds a measured block's counts, and each latency of <paramref name="latency"/> (in µs) to the latency
        /// instrument.
        /// </summary>
        public void AddBlock(long sent, long delivered, long errors, double seconds, HistogramBase? latency)
        {
            lock (owner.gate)
            {
                if (state.Final is not null)
                {
                    return;
                }

                var b = state.Blocks;
                state.Blocks = b with { Sent = b.Sent + sent, Delivered = b.Delivered + delivered, Errors = b.Errors + errors };
                state.BlockSeconds += seconds;
            }

            foreach (var value in latency?.RecordedValues() ?? [])
            {
                var ms = latency!.HighestEquivalentValue(value.ValueIteratedTo) / 1000.0;
                for (var i = 0L; i < value.CountAtValueIteratedTo; i++)
                {
                    owner.latency.Record(ms, state.Tags);
                }
            }
        }
    }

    internal sealed class CaseState(KeyValuePair<string, object?>[] tags, double offered)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;

        public double Offered { get; } = offered;

        public RunRecorder? Recorder { get; set; }

        public FinalCounts? Final { get; set; }

        /// <summary>The sum of the blocks measured so far, for a case measured in blocks.</summary>
        public Snapshot Blocks { get; set; }

        public double BlockSeconds { get; set; }

        public bool Is(string scenario, string transport, string variant) =>
            Equals(Tags[0].Value, scenario) && Equals(Tags[1].Value, transport) && Equals(Tags[2].Value, variant);

        public Snapshot Snapshot() => Final is { } f
            ? new(f.Sent, f.Delivered, f.Errors, f.Lost, f.Duplicated)
            : new(
                Blocks.Sent + (Recorder?.Sent ?? 0),
                Blocks.Delivered + (Recorder?.Delivered ?? 0),
                Blocks.Errors + (Recorder?.Errors ?? 0),
                0,
                0);
    }

    internal sealed record FinalCounts(long Sent, long Delivered, long Errors, long Lost, long Duplicated);

    internal readonly record struct Snapshot(long Sent, long Delivered, long Errors, long Lost, long Duplicated);
}
