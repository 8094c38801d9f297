using Bench.Engine.Recording;

namespace Bench.Sdk;

/// <summary>
/// Exact accounting of a push scenario: every published event is owed to every subscriber, once. A subscriber reports
/// each arrival with <see cref="Delivered"/>; the first arrival of an event at a subscriber is a delivery, with its
/// latency from the event's intended time; a repeat is counted as duplicated; what never arrives is lost. Thread-safe.
/// </summary>
public sealed class PushAccounting
{
    private readonly object gate = new();
    private readonly Dictionary<long, long> intended = [];
    private readonly HashSet<long>[] seen;
    private RunRecorder? recorder;
    private long published;
    private long measuredPublished;
    private long duplicated;
    private long unknown;

    internal PushAccounting(int subscribers)
    {
        Subscribers = subscribers;
        seen = [.. Enumerable.Range(0, subscribers).Select(_ => new HashSet<long>())];
    }

    /// <summary>Subscribers each event is owed to (0 to <see cref="Subscribers"/> − 1).</summary>
    public int Subscribers { get; }

    /// <summary>Arrivals of an event number that was never published (or of a subscriber out of range).</summary>
    public long Unknown => Interlocked.Read(ref unknown);

    internal void Begin(RunRecorder run) => recorder = run;

    /// <summary>
    /// Announces event <paramref name="number"/> before its step runs: a system may deliver an event before it
    /// acknowledges the publish, and such an arrival must still be matched with its intended time.
    /// </summary>
    internal void Intend(long number, long intendedTimestamp)
    {
        lock (gate)
        {
            intended[number] = intendedTimestamp;
        }
    }

    /// <summary>Marks event <paramref name="number"/> as published (the runner calls this when a push step succeeds).</summary>
    internal void Published(long number)
    {
        lock (gate)
        {
            published++;
            if (recorder!.IsMeasured(intended[number]))
            {
                measuredPublished++;
            }
        }
    }

    /// <summary>Reports that <paramref name="subscriber"/> received event <paramref name="number"/> at <paramref name="arrivalTimestamp"/>.</summary>
    public void Delivered(int subscriber, long number, long arrivalTimestamp)
    {
        long at;
        lock (gate)
        {
            if (subscriber < 0 || subscriber >= seen.Length || !intended.TryGetValue(number, out at))
            {
                unknown++;
                return;
            }

            if (!seen[subscriber].Add(number))
            {
                if (recorder!.IsMeasured(at))
                {
                    duplicated++;
                }

                return;
            }
        }

        // The recorder counts first arrivals in the measured window: that count is the deliveries.
        recorder!.RecordDelivered(at, arrivalTimestamp);
    }

    /// <summary>Every published event has reached every subscriber.</summary>
    internal bool Complete()
    {
        lock (gate)
        {
            return seen.All(s => s.Count >= published);
        }
    }

    internal (long Published, long Delivered, long Lost, long Duplicated) MeasuredCounts()
    {
        lock (gate)
        {
            var delivered = recorder!.Delivered;
            return (measuredPublished, delivered, (measuredPublished * Subscribers) - delivered, duplicated);
        }
    }
}
