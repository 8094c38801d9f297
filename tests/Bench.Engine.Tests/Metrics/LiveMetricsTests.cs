using System.Diagnostics.Metrics;
using Bench.Engine.Metrics;
using Bench.Engine.Recording;
using HdrHistogram;
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

    /// <summary>Cases measured at once, in blocks: each one's counts grow with its own blocks, then are its final counts.</summary>
    [Fact]
    public void Cases_measured_at_once_count_their_own_blocks_until_each_is_ended()
    {
        using var metrics = new LiveMetrics(new FakeTimeProvider());
        var sent = new Dictionary<string, long>();
        var latencies = new Dictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LiveMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "bench.events.sent")
            {
                sent[Transport(tags)] = value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == "bench.latency")
            {
                latencies[Transport(tags)] = latencies.GetValueOrDefault(Transport(tags)) + 1;
            }
        });
        listener.Start();

        var live = metrics.BeginCases("rtt", ["sse", "websocket"], "default", 100);
        var block = new LongHistogram(1_000_000, 3);
        block.RecordValue(250);
        block.RecordValue(900);
        block.RecordValue(900);
        live[0].AddBlock(sent: 100, delivered: 100, errors: 0, seconds: 1, latency: block);
        live[1].AddBlock(sent: 99, delivered: 98, errors: 1, seconds: 1, latency: null);
        live[0].AddBlock(sent: 50, delivered: 50, errors: 0, seconds: 0.5, latency: null);
        listener.RecordObservableInstruments();
        var during = new Dictionary<string, long>(sent);
        metrics.EndCase("rtt", "sse", "default", sent: 151, delivered: 150, errors: 0, lost: 1, duplicated: 0);
        live[0].AddBlock(sent: 7, delivered: 7, errors: 0, seconds: 1, latency: null);
        listener.RecordObservableInstruments();

        Assert.Equal(150, during["sse"]);
        Assert.Equal(99, during["websocket"]);
        Assert.Equal(151, sent["sse"]);
        Assert.Equal(99, sent["websocket"]);
        Assert.Equal(3, latencies["sse"]);
        Assert.False(latencies.ContainsKey("websocket"));
    }

    private static string Transport(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "transport")
            {
                return (string)tag.Value!;
            }
        }

        return "";
    }
}
