using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace Bench.Harness.Clients;

/// <summary>
/// A lean HTTP/1.1 client connection for Bench's own load (the generator probe, <c>publish.http</c>): one kept
/// connection, one request in flight, the request preformatted (<see cref="LeanHttpRequest"/>) and written with one
/// send, the response read into one fixed buffer and parsed only as far as framing needs (status line,
/// <c>Content-Length</c> or chunked, <c>Connection</c>). Bodies are read and dropped, never kept.
/// </summary>
/// <remarks>
/// Plain <c>http</c> only: <c>https</c> keeps <c>SocketsHttpHandler</c>. Why this exists: with one request in flight
/// per connection, the generator's CPU per request decides its rate when it shares cores with the target, and
/// <c>SocketsHttpHandler</c> spends several µs per request on messages, header collections and content streams
/// (docs/performance.md). A response head over <see cref="MaxHead"/> bytes, a chunk line over 1 KiB, garbage, or a
/// connection closed before the response ended is an <see cref="HttpRequestException"/>, and the connection is closed:
/// never a hang on framing, never a read into memory that grows. Not thread-safe: one caller at a time.
/// </remarks>
public sealed class LeanHttpConnection : IDisposable
{
    /// <summary>The most a response head (status line and headers, or a chunked body's trailers) may take.</summary>
    public const int MaxHead = 16 * 1024;

    private const int MaxChunkLine = 1024;

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private readonly EndPoint endPoint;
    private readonly byte[] buffer;
    private Socket? socket;
    private int start;
    private int end;
    private bool reused;

    /// <summary>A connection to <paramref name="endPoint"/>, opened on the first request and again after a close.</summary>
    public LeanHttpConnection(EndPoint endPoint, int maxHead = MaxHead)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHead, 64);
        this.endPoint = endPoint;
        buffer = new byte[maxHead];
    }

    /// <summary>A connection to <paramref name="uri"/>'s host and port; <c>http</c> only.</summary>
    public LeanHttpConnection(Uri uri)
        : this(EndPointOf(uri))
    {
    }

    /// <summary>Connections opened so far (the first, and one after each close).</summary>
    public int Connects { get; private set; }

    /// <summary>Whether a connection to <paramref name="uri"/> can be lean: absolute, plain <c>http</c>.</summary>
    public static bool Supports(Uri uri) => uri is { IsAbsoluteUri: true, Scheme: "http" };

    /// <summary>Where a connection to <paramref name="uri"/> goes.</summary>
    public static EndPoint EndPointOf(Uri uri)
    {
        if (!Supports(uri))
        {
            throw new ArgumentException($"the lean HTTP client sends plain http only, not {uri.Scheme}", nameof(uri));
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip)
            ? new IPEndPoint(ip, uri.Port)
            : new DnsEndPoint(uri.IdnHost, uri.Port);
    }

    /// <summary>
    /// Sends <paramref name="request"/> (all its bytes, from <see cref="LeanHttpRequest.Format"/>) and reads the whole
    /// response; returns its status code. A request on a kept connection the server had already closed (nothing of a
    /// response read) is sent once more on a new connection, as <c>SocketsHttpHandler</c> does.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken ct, bool head = false)
    {
        while (true)
        {
            var retryable = reused;
            var s = socket ?? await ConnectAsync(ct).ConfigureAwait(false);
            try
            {
                try
                {
                    await SendAllAsync(s, request, ct).ConfigureAwait(false);
                    if (!await FillAsync(s, ct).ConfigureAwait(false))
                    {
                        throw Ended(null);
                    }
                }
                catch (Exception e) when (retryable && IsConnectionLoss(e) && !ct.IsCancellationRequested)
                {
                    Close();
                    continue;
                }

                var (status, keep) = await ReadResponseAsync(s, head, ct).ConfigureAwait(false);
                if (!keep || start != end)
                {
                    // Closed by the server's word, or bytes after the response that no request asked for.
                    Close();
                }
                else
                {
                    reused = true;
                }

                return status;
            }
            catch (Exception e)
            {
                Close();
                if (e is SocketException or IOException)
                {
                    throw new HttpRequestException(HttpRequestError.ConnectionError, e.Message, e);
                }

                throw;
            }
        }
    }

    /// <summary>Closes the connection; the next request opens another.</summary>
    public void Close()
    {
        socket?.Dispose();
        socket = null;
        start = end = 0;
        reused = false;
    }

    public void Dispose() => Close();

    private static bool IsConnectionLoss(Exception e) =>
        e is SocketException or IOException || e is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded };

    private async ValueTask<Socket> ConnectAsync(CancellationToken ct)
    {
        var s = endPoint is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            s.NoDelay = true;
            await s.ConnectAsync(endPoint, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            s.Dispose();
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{e.Message} ({endPoint})", e);
        }
        catch
        {
            s.Dispose();
            throw;
        }

        Connects++;
        socket = s;
        start = end = 0;
        reused = false;
        return s;
    }

    private static async ValueTask SendAllAsync(Socket s, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await s.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads more into the buffer (moving what is unread to its start when full); false when the server closed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(Socket s, CancellationToken ct)
    {
        if (start == end)
        {
            start = end = 0;
        }
        else if (end == buffer.Length)
        {
            if (start == 0)
            {
                throw Malformed($"more than {buffer.Length} bytes without the end of a line or head");
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        var read = await s.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, ct).ConfigureAwait(false);
        end += read;
        return read > 0;
    }

    private async ValueTask<(int Status, bool Keep)> ReadResponseAsync(Socket s, bool headRequest, CancellationToken ct)
    {
        while (true)
        {
            var headEnd = await FindAsync(s, HeadEnd, buffer.Length, ct).ConfigureAwait(false);
            var head = ParseHead(buffer.AsSpan(start, headEnd - start));
            start = headEnd + 4;
            if (head.Status is >= 100 and < 200)
            {
                if (head.Status == 101)
                {
                    throw Malformed("101 Switching Protocols to a request that asked for no upgrade");
                }

                continue; // An interim answer (100 Continue): the final one follows.
            }

            if (headRequest || head.Status is 204 or 304)
            {
                return (head.Status, head.Keep);
            }

            if (head.Chunked)
            {
                await SkipChunkedAsync(s, ct).ConfigureAwait(false);
            }
            else if (head.ContentLength >= 0)
            {
                await SkipAsync(s, head.ContentLength, ct).ConfigureAwait(false);
            }
            else
            {
                // No length: the body runs to the end of the connection.
                while (true)
                {
                    start = end;
                    if (!await FillAsync(s, ct).ConfigureAwait(false))
                    {
                        return (head.Status, false);
                    }
                }
            }

            return (head.Status, head.Keep);
        }
    }

    /// <summary>
    /// Where <paramref name="marker"/> starts, from <c>start</c>, reading more as needed; what precedes it may take at
    /// most <paramref name="limit"/> bytes.
    /// </summary>
    private async ValueTask<int> FindAsync(Socket s, ReadOnlyMemory<byte> marker, int limit, CancellationToken ct)
    {
        var searched = 0;
        while (true)
        {
            var from = Math.Max(start, start + searched - marker.Length + 1);
            var at = buffer.AsSpan(from, end - from).IndexOf(marker.Span);
            if (at >= 0)
            {
                if (from + at - start > limit)
                {
                    throw Malformed($"a response line or head over {limit} bytes");
                }

                return from + at;
            }

            searched = end - start;
            if (searched > limit + marker.Length)
            {
                throw Malformed($"a response line or head over {limit} bytes");
            }

            if (!await FillAsync(s, ct).ConfigureAwait(false))
            {
                throw Ended(null);
            }
        }
    }

    private async ValueTask SkipAsync(Socket s, long count, CancellationToken ct)
    {
        while (true)
        {
            var take = (int)Math.Min(count, end - start);
            start += take;
            count -= take;
            if (count == 0)
            {
                return;
            }

            if (!await FillAsync(s, ct).ConfigureAwait(false))
            {
                throw Ended(null);
            }
        }
    }

    private async ValueTask SkipChunkedAsync(Socket s, CancellationToken ct)
    {
        while (true)
        {
            var lineEnd = await FindAsync(s, CrLf, MaxChunkLine, ct).ConfigureAwait(false);
            var size = ChunkSize(buffer.AsSpan(start, lineEnd - start));
            start = lineEnd + 2;
            if (size == 0)
            {
                break;
            }

            await SkipAsync(s, size, ct).ConfigureAwait(false);
            while (end - start < 2)
            {
                if (!await FillAsync(s, ct).ConfigureAwait(false))
                {
                    throw Ended(null);
                }
            }

            if (buffer[start] != '\r' || buffer[start + 1] != '\n')
            {
                throw Malformed("a chunk not followed by CRLF");
            }

            start += 2;
        }

        // Trailers, each a line, up to an empty one; all of them bounded like a head.
        var trailers = 0;
        while (true)
        {
            var lineEnd = await FindAsync(s, CrLf, buffer.Length - trailers, ct).ConfigureAwait(false);
            var length = lineEnd - start;
            start = lineEnd + 2;
            if (length == 0)
            {
                return;
            }

            trailers += length + 2;
            if (trailers > buffer.Length)
            {
                throw Malformed($"chunked trailers over {buffer.Length} bytes");
            }
        }
    }

    /// <summary>A chunk-size line's size (hex, then optional extensions after ';').</summary>
    internal static long ChunkSize(ReadOnlySpan<byte> line)
    {
        var semicolon = line.IndexOf((byte)';');
        var hex = (semicolon >= 0 ? line[..semicolon] : line).TrimEnd(" \t"u8);
        if (hex.IsEmpty || hex.Length > 15 || !Utf8Parser.TryParse(hex, out long size, out var used, 'X') || used != hex.Length)
        {
            throw Malformed("a chunk size that is not hexadecimal: '" + Printable(line) + "'");
        }

        return size;
    }

    /// <summary>What a response head says about framing.</summary>
    internal readonly record struct Head(int Status, long ContentLength, bool Chunked, bool Keep);

    /// <summary>Parses a response head (without its final blank line): status line, then the headers framing needs.</summary>
    internal static Head ParseHead(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd >= 0 ? head[..lineEnd] : head;
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || (statusLine[7] != '0' && statusLine[7] != '1')
            || statusLine[8] != ' ' || !IsDigits(statusLine.Slice(9, 3)) || (statusLine.Length > 12 && statusLine[12] != ' '))
        {
            throw Malformed("not an HTTP/1.x status line: '" + Printable(statusLine) + "'");
        }

        var status = ((statusLine[9] - '0') * 100) + ((statusLine[10] - '0') * 10) + (statusLine[11] - '0');
        var keep = statusLine[7] == '1';
        long length = -1;
        var chunked = false;
        var encoded = false;
        var rest = lineEnd >= 0 ? head[(lineEnd + 2)..] : [];
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf("\r\n"u8);
            var line = next >= 0 ? rest[..next] : rest;
            rest = next >= 0 ? rest[(next + 2)..] : [];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAny(" \t"u8) >= 0)
            {
                throw Malformed("a header line without a name and colon: '" + Printable(line) + "'");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!IsDigits(value) || value.Length > 18 || !Utf8Parser.TryParse(value, out long n, out _)
                    || (length >= 0 && n != length))
                {
                    throw Malformed("a Content-Length that is not one number: '" + Printable(value) + "'");
                }

                length = n;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                encoded = true;
                var last = value.LastIndexOf((byte)',');
                chunked = Ascii.EqualsIgnoreCase((last >= 0 ? value[(last + 1)..] : value).Trim(" \t"u8), "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var token in Encoding.ASCII.GetString(value).Split(','))
                {
                    if (token.Trim().Equals("close", StringComparison.OrdinalIgnoreCase))
                    {
                        keep = false;
                    }
                    else if (token.Trim().Equals("keep-alive", StringComparison.OrdinalIgnoreCase))
                    {
                        keep = keep || statusLine[7] == '0';
                    }
                }
            }
        }

        if (encoded && !chunked)
        {
            // A transfer coding that does not end in chunked: the body runs to the close (RFC 9112 §6.3).
            return new Head(status, -1, false, false);
        }

        // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3); a body read to the close ends the connection.
        return new Head(status, chunked ? -1 : length, chunked, keep && (chunked || length >= 0 || status is 204 or 304 or < 200));
    }

    private static bool IsDigits(ReadOnlySpan<byte> span) => !span.IsEmpty && span.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 80)]);
        return string.Concat(text.Select(c => c is < ' ' or > '~' ? '?' : c));
    }

    private static HttpRequestException Malformed(string what) =>
        new(HttpRequestError.InvalidResponse, "malformed HTTP response: " + what);

    private static HttpRequestException Ended(Exception? inner) =>
        new(HttpRequestError.ResponseEnded, "the server closed the connection before the response ended", inner);
}

/// <summary>A request's bytes for <see cref="LeanHttpConnection"/>: request line, Host, the headers given, Content-Length, body.</summary>
public static class LeanHttpRequest
{
    /// <summary>
    /// Formats <paramref name="method"/> <paramref name="uri"/> with <paramref name="headers"/> (a <c>Host</c> among them
    /// replaces the URI's; <c>Content-Length</c>, <c>Transfer-Encoding</c> and <c>Connection</c> are Bench's to write and
    /// are dropped) and <paramref name="body"/>. A name or value that would break the head throws.
    /// </summary>
    public static byte[] Format(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body)
    {
        if (method.Length == 0 || method.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0)
        {
            throw new ArgumentException($"'{method}' is not an HTTP method", nameof(method));
        }

        LeanHttpConnection.EndPointOf(uri);
        var sb = new StringBuilder(256);
        sb.Append(method).Append(' ').Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        var host = uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var rest = new StringBuilder();
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || name.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0 || name.Contains(':', StringComparison.Ordinal)
                || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new ArgumentException($"header '{name}' has a character a header cannot carry", nameof(headers));
            }

            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                host = value;
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                rest.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        sb.Append("Host: ").Append(host).Append("\r\n").Append(rest);
        if (!body.IsEmpty || !(method is "GET" or "HEAD" or "DELETE" or "OPTIONS" or "TRACE"))
        {
            sb.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        sb.Append("\r\n");
        var headBytes = Encoding.Latin1.GetBytes(sb.ToString());
        var bytes = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(bytes, 0);
        body.CopyTo(bytes.AsSpan(headBytes.Length));
        return bytes;
    }
}
