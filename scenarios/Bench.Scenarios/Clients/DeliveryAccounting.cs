using Bench.Engine.Recording;
using Bench.Targets.Events;

namespace Bench.Scenarios.Clients;

/// <summary>
/// The subscriber side's bookkeeping, shared by both transports: each arriving body is parsed, checked against its
/// stream's sequence numbers, and — unless it is a duplicate — recorded as a delivery with its end-to-end latency.
/// </summary>
public sealed class DeliveryAccounting(RunRecorder recorder, IEnumerable<string> streams)
{
    private readonly Dictionary<string, StreamTracker> trackers = streams.ToDictionary(s => s, s => new StreamTracker(s), StringComparer.Ordinal);
    private long unknownStream;
    private long malformed;

    public IReadOnlyCollection<StreamTracker> Trackers => trackers.Values;

    public long UnknownStream => Interlocked.Read(ref unknownStream);

    public long Malformed => Interlocked.Read(ref malformed);

    public void OnArrival(ReadOnlySpan<byte> body, long arrivalTimestamp)
    {
        EnvelopeFields fields;
        try
        {
            fields = EventEnvelope.Read(body);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            Interlocked.Increment(ref malformed);
            recorder.RecordError(arrivalTimestamp, arrivalTimestamp, "malformed_event");
            return;
        }

        if (!trackers.TryGetValue(fields.Stream, out var tracker))
        {
            Interlocked.Increment(ref unknownStream);
            recorder.RecordError(fields.IntendedTimestamp, arrivalTimestamp, "unknown_stream");
            return;
        }

        if (tracker.Observe(fields.Seq, recorder.IsMeasured(fields.IntendedTimestamp)))
        {
            recorder.RecordDelivered(fields.IntendedTimestamp, arrivalTimestamp);
        }
    }

    /// <summary>True when every stream has received <paramref name="published"/> distinct events.</summary>
    public bool AllArrived(long published) => trackers.Values.All(t => t.Snapshot().Distinct >= published);
}
