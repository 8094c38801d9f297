using System.Buffers;
using System.Globalization;
using System.Text;
using Bench.Targets.Events;

namespace Bench.Targets.Hub.Sse;

/// <summary>
/// Writes the <c>text/event-stream</c> of one subscriber (the HTML standard's Server-Sent Events): each event as
/// <c>id: SEQ</c> and one <c>data:</c> line holding the envelope, then a blank line; heartbeats as comment lines. Writes
/// from the send loop and the heartbeat are serialised, and every write is flushed (through gzip, a sync flush).
/// </summary>
public sealed class SseEventWriter : IEventWriter, IDisposable
{
    private static readonly byte[] IdField = "id: "u8.ToArray();
    private static readonly byte[] DataField = "\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Heartbeat = ":\n\n"u8.ToArray();

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Stream body;

    internal SseEventWriter(Stream body) => this.body = body;

    /// <summary>The bytes of one event as this writer frames it (for tests of the framing arithmetic).</summary>
    public static byte[] Frame(PublishedEvent evt, string stream, long seq)
    {
        var b = new ArrayBufferWriter<byte>(evt.Payload.Length + 128);
        Append(b, evt, stream, seq);
        return b.WrittenSpan.ToArray();
    }

    /// <summary>The stream's opening: the reconnection time clients should wait (<c>retry:</c>, in milliseconds).</summary>
    internal Task WriteRetryAsync(TimeSpan retry, CancellationToken ct) =>
        WriteLockedAsync(
            Encoding.ASCII.GetBytes("retry: " + ((long)retry.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "\n\n"), ct);

    internal Task WriteHeartbeatAsync(CancellationToken ct) => WriteLockedAsync(Heartbeat, ct);

    /// <summary>A named event that is not one of the stream's (<c>event: takeover</c>), telling the client why its stream ends.</summary>
    internal ValueTask WriteNoticeAsync(string name, string text, CancellationToken ct) =>
        new(WriteLockedAsync(Encoding.UTF8.GetBytes("event: " + name + "\ndata: " + text.ReplaceLineEndings(" ") + "\n\n"), ct));

    async ValueTask IEventWriter.WriteAsync(PublishedEvent evt, string stream, long seq, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            buffer.ResetWrittenCount();
            Append(buffer, evt, stream, seq);
            await body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
            await body.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private static void Append(ArrayBufferWriter<byte> output, PublishedEvent evt, string stream, long seq)
    {
        // The envelope is compact JSON with no line break in it, so one data: line carries it whole.
        output.Write(IdField);
        var digits = output.GetSpan(20);
        seq.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
        output.Write(DataField);
        EventEnvelope.Write(output, evt, stream, seq);
        output.Write(EventEnd);
    }

    private async Task WriteLockedAsync(byte[] bytes, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await body.WriteAsync(bytes, ct).ConfigureAwait(false);
            await body.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
