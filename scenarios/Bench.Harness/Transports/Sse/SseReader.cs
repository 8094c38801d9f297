using System.Globalization;
using System.Text;

namespace Bench.Harness.Transports.Sse;

/// <summary>
/// Reads a <c>text/event-stream</c> as the HTML standard's event-stream interpretation does: lines end in CRLF, LF or
/// CR; a line starting with a colon is a comment; <c>data:</c> lines are joined with LF; <c>id:</c> sets the last event
/// ID (dispatched with the event); <c>retry:</c> (digits only) sets the reconnection time; a blank line dispatches the
/// event if it has data. Other fields (<c>event:</c>) are read and ignored: Bench's events carry their own names.
/// </summary>
public sealed class SseReader(Stream stream)
{
    private readonly byte[] input = new byte[16 * 1024];
    private int start;
    private int end;
    private bool skipLineFeed;
    private string idBuffer = "";
    private readonly List<byte> line = new(1024);

    /// <summary>The last event ID: the <c>id:</c> of the last event dispatched (what <c>Last-Event-ID</c> sends back).</summary>
    public string LastEventId { get; private set; } = "";

    /// <summary>
    /// The longest reconnection time read from <c>retry:</c>: a longer one (up to any number of digits) reads as this, so
    /// no value can overflow a timer. Clients bound it further by their own backoff cap. One hour.
    /// </summary>
    public static readonly TimeSpan MaxRetry = TimeSpan.FromHours(1);

    /// <summary>The reconnection time the server asked for with <c>retry:</c>, at most <see cref="MaxRetry"/>; null until then.</summary>
    public TimeSpan? Retry { get; private set; }

    /// <summary>Carries the reconnection time over from the connection before: it lasts until the server sends another.</summary>
    public void KeepRetry(TimeSpan retry) => Retry ??= retry;

    /// <summary>Comment lines read (heartbeats).</summary>
    public long Comments { get; private set; }

    /// <summary>Reads the next event's data into <paramref name="data"/>; its length, or -1 when the stream ends.</summary>
    public async ValueTask<int> ReadEventAsync(byte[] data, CancellationToken ct)
    {
        var length = 0;
        var hasData = false;
        while (true)
        {
            if (!await ReadLineAsync(ct).ConfigureAwait(false))
            {
                // An event not ended by a blank line is discarded, as the standard says.
                return -1;
            }

            if (line.Count == 0)
            {
                LastEventId = idBuffer;
                if (hasData)
                {
                    return length;
                }

                continue;
            }

            if (line[0] == (byte)':')
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            var name = Encoding.UTF8.GetString([.. colon < 0 ? line : line.GetRange(0, colon)]);
            var valueStart = colon < 0 ? line.Count : colon + 1;
            if (valueStart < line.Count && line[valueStart] == (byte)' ')
            {
                valueStart++;
            }

            var valueLength = line.Count - valueStart;
            switch (name)
            {
                case "data":
                    if (hasData)
                    {
                        Append(data, ref length, (byte)'\n');
                    }

                    if (length + valueLength > data.Length)
                    {
                        throw new InvalidDataException($"an event exceeded the client's {data.Length}-byte buffer");
                    }

                    line.CopyTo(valueStart, data, length, valueLength);
                    length += valueLength;
                    hasData = true;
                    break;
                case "id":
                    var id = Encoding.UTF8.GetString([.. line.GetRange(valueStart, valueLength)]);
                    if (!id.Contains('\0', StringComparison.Ordinal))
                    {
                        idBuffer = id;
                    }

                    break;
                case "retry":
                    var value = Encoding.ASCII.GetString([.. line.GetRange(valueStart, valueLength)]);
                    if (value.Length > 0 && value.All(char.IsAsciiDigit))
                    {
                        // Digits too many for a long are a time beyond the cap too, not an error.
                        var parsed = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms);
                        Retry = parsed && ms < MaxRetry.TotalMilliseconds ? TimeSpan.FromMilliseconds(ms) : MaxRetry;
                    }

                    break;
                default:
                    break;
            }
        }
    }

    private static void Append(byte[] data, ref int length, byte b)
    {
        if (length == data.Length)
        {
            throw new InvalidDataException($"an event exceeded the client's {data.Length}-byte buffer");
        }

        data[length++] = b;
    }

    /// <summary>Reads one line into <see cref="line"/>, without its end; false at the end of the stream.</summary>
    private async ValueTask<bool> ReadLineAsync(CancellationToken ct)
    {
        line.Clear();
        while (true)
        {
            if (start == end)
            {
                start = 0;
                end = await stream.ReadAsync(input, ct).ConfigureAwait(false);
                if (end == 0)
                {
                    return false;
                }
            }

            if (skipLineFeed)
            {
                skipLineFeed = false;
                if (input[start] == (byte)'\n')
                {
                    start++;
                    continue;
                }
            }

            var span = input.AsSpan(start, end - start);
            var stop = span.IndexOfAny((byte)'\n', (byte)'\r');
            if (stop < 0)
            {
                if (line.Count + span.Length > 16 * 1024 * 1024)
                {
                    throw new InvalidDataException("an event-stream line exceeded 16 MiB");
                }

                line.AddRange(span);
                start = end;
                continue;
            }

            line.AddRange(span[..stop]);
            skipLineFeed = span[stop] == (byte)'\r';
            start += stop + 1;
            return true;
        }
    }
}
