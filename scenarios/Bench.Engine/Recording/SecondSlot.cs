using HdrHistogram;
using HdrHistogram.Utilities;

namespace Bench.Engine.Recording;

/// <summary>
/// One intended second's latency histogram. A full histogram of the one shape (1 µs to 1 hour, 3 digits) is about
/// 200 KB, so a long run cannot keep one live per second: once its second is well past, the slot packs it into its V2
/// encoding (a few hundred bytes). A value that still arrives for a packed second goes to a small late histogram under
/// a lock; <see cref="Snapshot"/> sums all three. Packing waits for writers already inside, so no value is lost.
/// </summary>
internal sealed class SecondSlot
{
    private readonly object gate = new();
    private LongConcurrentHistogram? live = Histograms.CreateConcurrent();
    private byte[]? packed;
    private LongHistogram? late;
    private int writers;
    private volatile bool closing;

    public void Record(long micros)
    {
        // Dekker-style with Pack: a writer announces itself (a full fence) before it reads closing; Pack sets closing
        // (a full fence) before it reads writers. Either the writer sees closing, or Pack waits for it.
        Interlocked.Increment(ref writers);
        try
        {
            if (!closing && Volatile.Read(ref live) is { } histogram)
            {
                Histograms.RecordClamped(histogram, micros);
                return;
            }
        }
        finally
        {
            Interlocked.Decrement(ref writers);
        }

        lock (gate)
        {
            late ??= Histograms.Create();
            Histograms.RecordClamped(late, micros);
        }
    }

    /// <summary>Packs the live histogram into its encoding; later values for this second go to the late histogram.</summary>
    public void Pack()
    {
        lock (gate)
        {
            if (closing)
            {
                return;
            }

            closing = true;
            Interlocked.MemoryBarrier();
            var spin = new SpinWait();
            while (Volatile.Read(ref writers) != 0)
            {
                spin.SpinOnce();
            }

            var histogram = live!;
            var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
            var length = histogram.Encode(buffer, HdrHistogram.Encoding.HistogramEncoderV2.Instance);
            packed = new byte[length];
            buffer.Position = 0;
            for (var i = 0; i < length; i++)
            {
                packed[i] = buffer.Get();
            }

            Volatile.Write(ref live, null);
        }
    }

    /// <summary>The value at <paramref name="percentile"/> of what this second holds (0 when empty), for live progress.</summary>
    public long ValueAtPercentile(double percentile)
    {
        lock (gate)
        {
            HistogramBase h = !closing ? live! : Snapshot();
            return h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(percentile);
        }
    }

    /// <summary>A copy of everything recorded for this second.</summary>
    public HistogramBase Snapshot()
    {
        lock (gate)
        {
            if (!closing)
            {
                return live!.Copy();
            }

            var sum = Histograms.Create();
            sum.Add(HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(packed!), 0));
            if (late is not null)
            {
                sum.Add(late);
            }

            return sum;
        }
    }
}

/// <summary>
/// One <see cref="SecondSlot"/> per second of a run, each made when its second is first recorded; when a new one is
/// made, the one <c>packAfter</c> seconds behind it is packed (done with, bar stragglers). Thread-safe.
/// </summary>
internal sealed class SecondSlots(int count, int packAfter)
{
    private readonly SecondSlot?[] slots = new SecondSlot?[count];

    public int Count => slots.Length;

    /// <summary>The slot of second <paramref name="index"/>, or null when nothing was recorded in it.</summary>
    public SecondSlot? Peek(int index) => Volatile.Read(ref slots[index]);

    /// <summary>The slot of second <paramref name="index"/>, made if it is the first record of that second.</summary>
    public SecondSlot At(int index)
    {
        if (Volatile.Read(ref slots[index]) is { } existing)
        {
            return existing;
        }

        var fresh = new SecondSlot();
        if (Interlocked.CompareExchange(ref slots[index], fresh, null) is { } raced)
        {
            return raced;
        }

        if (index >= packAfter && Volatile.Read(ref slots[index - packAfter]) is { } old)
        {
            old.Pack();
        }

        return fresh;
    }
}
