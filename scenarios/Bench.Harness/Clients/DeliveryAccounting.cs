using System.Globalization;
using Bench.Engine.Recording;
using Bench.Targets.Events;

namespace Bench.Harness.Clients;

/// <summary>
/// The subscriber side's bookkeeping, shared by every transport: each arriving body is parsed, checked against its
/// stream's record by event number, and — unless it is a duplicate — recorded as a delivery with its end-to-end latency.
/// </summary>
public sealed class DeliveryAccounting(RunRecorder recorder, IEnumerable<string> streams, int publishers = 1)
{
    private volatile RunRecorder recorder = recorder;
    private readonly Dictionary<string, StreamTracker> trackers = streams.ToDictionary(s => s, s => new StreamTracker(s, publishers),
        StringComparer.Ordinal);
    private long unknownStream;
    private long bodyBytes;
    private long bodies;
    private long malformed;
    private long lastArrival;
    private volatile bool frozen;

    public IReadOnlyCollection<StreamTracker> Trackers => trackers.Values;

    public StreamTracker this[string stream] => trackers[stream];

    public long UnknownStream => Interlocked.Read(ref unknownStream);

    public long Malformed => Interlocked.Read(ref malformed);

    /// <summary>The mean size of the event bodies that arrived, as the application saw them (after any decompression).</summary>
    public double MeanBodyBytes => Interlocked.Read(ref bodies) is var n and > 0 ? Interlocked.Read(ref bodyBytes) / (double)n : 0;

    /// <summary>
    /// Records arrivals into <paramref name="next"/> from now on (a saturation step's own recorder); the streams' records
    /// carry on, so event numbers must keep counting up across recorders.
    /// </summary>
    public void RecordInto(RunRecorder next) => recorder = next;

    /// <summary>
    /// Which events' latency this process can time (an agent whose clock is its own times only the events it published);
    /// the others are accounted for but not timed. Null: every event.
    /// </summary>
    public Func<long, bool>? Timed { get; init; }

    /// <summary>Called with each arrival; extra observers (fault measurements) see every distinct arrival too.</summary>
    public Action<EnvelopeFields, long>? OnDistinctArrival { get; set; }

    /// <summary>Accounts for one arrival; returns its fields, or null when the body was not an event.</summary>
    public EnvelopeFields? OnArrival(ReadOnlySpan<byte> body, long arrivalTimestamp)
    {
        EnvelopeFields fields;
        try
        {
            fields = EventEnvelope.Read(body);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            CountMalformed(body.Length, arrivalTimestamp);
            return null;
        }

        return OnArrival(fields, body.Length, arrivalTimestamp);
    }

    /// <summary>
    /// Accounts for one arrival whose fields a transport's client decoded itself (SignalR's typed arguments);
    /// <paramref name="bodyBytes"/> is the size of the message as the application saw it.
    /// </summary>
    public EnvelopeFields? OnArrival(EnvelopeFields fields, int bodyBytes, long arrivalTimestamp)
    {
        if (frozen)
        {
            return fields;
        }

        Interlocked.Exchange(ref lastArrival, arrivalTimestamp);
        var recorder = this.recorder;
        long number;
        try
        {
            number = EventNumber(fields.Id);
        }
        catch (FormatException)
        {
            CountMalformed(bodyBytes, arrivalTimestamp);
            return null;
        }

        Interlocked.Add(ref this.bodyBytes, bodyBytes);
        Interlocked.Increment(ref bodies);

        if (!trackers.TryGetValue(fields.Stream, out var tracker))
        {
            Interlocked.Increment(ref unknownStream);
            recorder.RecordError(fields.IntendedTimestamp, arrivalTimestamp, "unknown_stream");
            return fields;
        }

        if (Timed is { } timed && !timed(number))
        {
            tracker.Observe(number, false, arrivalTimestamp);
            return fields;
        }

        if (tracker.Observe(number, recorder.IsMeasured(fields.IntendedTimestamp), arrivalTimestamp))
        {
            recorder.RecordDelivered(fields.IntendedTimestamp, arrivalTimestamp);
            OnDistinctArrival?.Invoke(fields, arrivalTimestamp);
        }

        return fields;
    }

    /// <summary>The timestamp of the latest arrival, or 0.</summary>
    public long LastArrival => Interlocked.Read(ref lastArrival);

    /// <summary>
    /// Stops counting: later arrivals are neither recorded nor timed, so the streams' records and the recorder's
    /// histogram describe the same arrivals (an agent freezes both before writing its shard).
    /// </summary>
    public void Freeze() => frozen = true;

    /// <summary>Counts a message that held no readable event (<c>malformed_event</c>).</summary>
    public void OnUnreadable(int bodyBytes, long arrivalTimestamp) => CountMalformed(bodyBytes, arrivalTimestamp);

    private void CountMalformed(int bodyBytes, long arrivalTimestamp)
    {
        Interlocked.Add(ref this.bodyBytes, bodyBytes);
        Interlocked.Increment(ref bodies);
        Interlocked.Increment(ref malformed);
        recorder.RecordError(arrivalTimestamp, arrivalTimestamp, "malformed_event");
    }

    /// <summary>True when every stream has received every event in <paramref name="accepted"/>.</summary>
    public bool AllArrived(SequenceSet accepted) => trackers.Values.All(t => t.HasAll(accepted));

    /// <summary>The event number of an id such as <c>evt_42</c>.</summary>
    public static long EventNumber(string id) =>
        id.StartsWith("evt_", StringComparison.Ordinal) && long.TryParse(id.AsSpan(4), NumberStyles.None,
            CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"'{id}' is not an event id");
}
