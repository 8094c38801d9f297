using System.Diagnostics.Metrics;
using Bench.Engine.Metrics;
using Bench.Engine.Recording;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Engine.Tests.Metrics;

public sealed class LiveMetricsTests
{
    /// <summary>A listener sees the instruments move while a case runs, and the final counts once it has ended.</summary>
    [Fact]
    public void An_in_process_listener_sees_the_counts_move_during_a_case_and_its_final_counts_after()
    {
        var clock = new FakeTimeProvider();
        using var metrics = new LiveMetrics(clock);
        var seen = new Dictionary<string, long>();
        var latencies = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LiveMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "bench.latency")
            {
                latencies++;
            }
        });
        listener.Start();

        metrics.BeginCase("push", "websocket", "default", 100);
        var start = clock.GetTimestamp();
        var recorder = new RunRecorder(clock, start, TimeSpan.Zero, 10);
        metrics.Track(recorder);
        for (var i = 0; i < 5; i++)
        {
            recorder.RecordSent(start + i);
            recorder.RecordDelivered(start + i, start + i + 1000);
        }

        listener.RecordObservableInstruments();
        var during = new Dictionary<string, long>(seen);
        recorder.RecordSent(start + 9);
        metrics.EndCase(sent: 6, delivered: 5, errors: 0, lost: 1, duplicated: 0);
        listener.RecordObservableInstruments();

        Assert.Equal(5, during["bench.events.sent"]);
        Assert.Equal(5, during["bench.events.delivered"]);
        Assert.Equal(0, during["bench.events.lost"]);
        Assert.Equal(5, latencies);
        Assert.Equal(6, seen["bench.events.sent"]);
        Assert.Equal(1, seen["bench.events.lost"]);
    }
}
