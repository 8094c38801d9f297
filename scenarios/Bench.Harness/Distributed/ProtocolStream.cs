using System.Globalization;
using System.Text;

namespace Bench.Harness.Distributed;

/// <summary>
/// One side of a coordinator connection: bounded lines (<see cref="CoordinatorProtocol.MaxLineBytes"/>) and
/// length-prefixed documents whose length is checked before a byte of them is allocated, so a hostile peer costs at most
/// the bounds. Writes are serialized; reads are the one reader's.
/// </summary>
public sealed class ProtocolStream(Stream stream) : IAsyncDisposable
{
    private readonly byte[] buffer = new byte[8192];
    private readonly SemaphoreSlim writing = new(1, 1);
    private int start;
    private int end;

    /// <summary>
    /// The next line without its end, or null when the peer closed the connection between lines. A line longer than
    /// <see cref="CoordinatorProtocol.MaxLineBytes"/> is refused (<see cref="InvalidDataException"/>) once that many bytes
    /// have come, without reading on; so is a connection closed mid-line (<see cref="EndOfStreamException"/>).
    /// </summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            if (start == end)
            {
                start = 0;
                end = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (end == 0)
                {
                    return line.Count == 0 ? null : throw new EndOfStreamException("the connection closed in the middle of a line");
                }
            }

            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            var take = (newline < 0 ? end : newline) - start;
            if (line.Count + take > CoordinatorProtocol.MaxLineBytes)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"a line longer than {CoordinatorProtocol.MaxLineBytes:N0} bytes"));
            }

            line.AddRange(buffer.AsSpan(start, take));
            start += take;
            if (newline >= 0)
            {
                start++;
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Encoding.UTF8.GetString([.. line]);
            }
        }
    }

    /// <summary>
    /// The document a <c>WORD LENGTH</c> line announced (<paramref name="line"/>): its bytes, once the length is known to
    /// be at most <paramref name="max"/>.
    /// </summary>
    public async Task<byte[]> ReadDocumentAsync(string line, string word, long max, CancellationToken ct)
    {
        var body = new byte[CoordinatorProtocol.DocumentLength(line, word, max)];
        var at = Math.Min(end - start, body.Length);
        buffer.AsSpan(start, at).CopyTo(body);
        start += at;
        while (at < body.Length)
        {
            var read = await stream.ReadAsync(body.AsMemory(at), ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException(string.Create(CultureInfo.InvariantCulture,
                    $"the connection closed {at:N0} bytes into a {body.Length:N0}-byte {word}"));
            }

            at += read;
        }

        return body;
    }

    public async Task WriteLineAsync(string line, CancellationToken ct)
    {
        await writing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>Writes <c>WORD LENGTH</c> and the document's bytes.</summary>
    public async Task WriteDocumentAsync(string word, byte[] body, CancellationToken ct)
    {
        await writing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{word} {body.Length}\n")), ct)
                .ConfigureAwait(false);
            await stream.WriteAsync(body, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>Closes the connection (the semaphore is left to the collector: a write may still be waiting on it).</summary>
    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
