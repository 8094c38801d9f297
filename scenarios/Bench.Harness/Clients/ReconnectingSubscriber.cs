namespace Bench.Harness.Clients;

/// <summary>
/// The receive-and-reconnect loop of a subscriber whose transport has no reconnection of its own (WebSocket) or whose
/// reconnection Bench's client carries out as the specification says (SSE): receive until the connection ends, note the
/// disconnect, back off, open again (resuming, if asked, after the last sequence number received).
/// </summary>
public abstract class ReconnectingSubscriber : IStreamSubscriber, IUnreadableMessages
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private readonly CancellationTokenSource stop = new();
    private readonly DisconnectLog log = new();
    private Task? running;
    private ReconnectBackoff? backoff;
    private long lastSeq;

    protected ReconnectingSubscriber(string stream, SubscriberOptions options)
    {
        Stream = stream;
        Options = options;
    }

    public string Stream { get; }

    protected SubscriberOptions Options { get; }

    public Exception? Failure { get; private set; }

    public int ReconnectAttempts => log.ReconnectAttempts;

    public IReadOnlyList<long> Detections => log.Detections;

    public IReadOnlyList<long> LastSeqAtDisconnect => log.LastSeqAtDisconnect;

    /// <summary>The last sequence number received on this subscriber's own stream.</summary>
    protected long LastSeq => Interlocked.Read(ref lastSeq);

    /// <summary>
    /// The least time to wait before reconnecting (SSE's <c>retry:</c>), bounded by the backoff's cap; zero leaves it to
    /// the backoff.
    /// </summary>
    protected virtual TimeSpan ReconnectFloor => TimeSpan.Zero;

    /// <summary>Opens the connection again, resuming after <paramref name="resumeFrom"/> when given.</summary>
    protected abstract Task ReopenAsync(long? resumeFrom, CancellationToken ct);

    /// <summary>
    /// Reads the next event's body into <paramref name="buffer"/>, at most <paramref name="limit"/> bytes (the buffer may be
    /// longer: a borrowed one); its length, or -1 when the connection closed.
    /// </summary>
    protected abstract ValueTask<int> ReceiveAsync(byte[] buffer, int limit, CancellationToken ct);

    /// <summary>
    /// Whether this subscriber can wait for the next message without a buffer (<see cref="WaitForMessageAsync"/>): it
    /// then borrows one from the shared pool only while a message is read, and an idle subscriber holds none.
    /// </summary>
    protected virtual bool BorrowsBuffer => false;

    /// <summary>Waits until a message begins to arrive, holding no buffer; false when the connection closed instead.</summary>
    protected virtual ValueTask<bool> WaitForMessageAsync(CancellationToken ct) => ValueTask.FromResult(true);

    /// <summary>Closes the connection now (politely if it can); called when the subscriber stops.</summary>
    protected abstract ValueTask CloseAsync();

    /// <summary>Forgets the broken connection before a reconnect.</summary>
    protected abstract void Abandon();

    /// <summary>
    /// Whether an exception means the connection ended (and not a bug). A connection reset just after it was made
    /// surfaces from <c>HttpClient</c> as a bare <c>SocketException</c> (reading the remote end point).
    /// </summary>
    protected virtual bool EndsConnection(Exception e) =>
        e is System.Net.WebSockets.WebSocketException or InvalidDataException or IOException or OperationCanceledException
            or HttpRequestException or System.Net.Sockets.SocketException;

    /// <summary>
    /// Hands one message to the accounting. Bench's own targets send its envelope as the whole message; a target file's
    /// system wraps it (<see cref="SubscriberOptions.Envelope"/>), and every subscriber of such a run shares one stream,
    /// so the arrival is accounted under this subscriber's own name.
    /// </summary>
    protected Bench.Targets.Events.EnvelopeFields? Account(DeliveryAccounting accounting, ReadOnlySpan<byte> message, long arrival)
    {
        if (Options.Envelope is not { } path)
        {
            return accounting.OnArrival(message, arrival);
        }

        try
        {
            return accounting.OnArrival(path.Read(message) with { Stream = Stream }, message.Length, arrival);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            LastUnreadable = e.Message;
            accounting.OnUnreadable(message.Length, arrival);
            return null;
        }
    }

    /// <summary>Why the last message could not be read as an event, or null.</summary>
    public string? LastUnreadable { get; private set; }

    public void Start(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes) =>
        running = Task.Run(() => RunAsync(accounting, clock, maxMessageBytes));

    private async Task RunAsync(DeliveryAccounting accounting, TimeProvider clock, int maxMessageBytes)
    {
        backoff = new ReconnectBackoff(Options.Backoff, clock);
        backoff.Connected();
        var owned = BorrowsBuffer ? null : new byte[maxMessageBytes];
        while (!stop.IsCancellationRequested)
        {
            Exception? ended = null;
            try
            {
                while (true)
                {
                    if (owned is null && !await WaitForMessageAsync(stop.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    var buffer = owned ?? System.Buffers.ArrayPool<byte>.Shared.Rent(maxMessageBytes);
                    Bench.Targets.Events.EnvelopeFields? fields;
                    try
                    {
                        var length = await ReceiveAsync(buffer, maxMessageBytes, stop.Token).ConfigureAwait(false);
                        if (length < 0)
                        {
                            break;
                        }

                        fields = Account(accounting, buffer.AsSpan(0, length), clock.GetTimestamp());
                    }
                    finally
                    {
                        if (owned is null)
                        {
                            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                        }
                    }

                    if (fields is not null)
                    {
                        backoff.Delivered();
                    }

                    if (fields is { } f && f.Stream == Stream)
                    {
                        Interlocked.Exchange(ref lastSeq, f.Seq);
                    }

                    if (Options.ProcessingTime?.Invoke() is { } busy && busy > TimeSpan.Zero)
                    {
                        await Task.Delay(busy, clock, stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (EndsConnection(e))
            {
                // A keep-alive left unanswered aborts the connection, which surfaces as a cancelled receive.
                ended = e;
            }

            log.Disconnected(clock.GetTimestamp(), LastSeq);
            backoff.Disconnected();
            if (!Options.Reconnect)
            {
                Failure = ended ?? new IOException("the hub closed the connection");
                return;
            }

            await ReconnectAsync(backoff, clock).ConfigureAwait(false);
        }
    }

    private async Task ReconnectAsync(ReconnectBackoff schedule, TimeProvider clock)
    {
        Abandon();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // The schedule carries over from connections that died young: a server that accepts and drops at once
                // is retried at the policy's cap, not at its first step.
                var wait = schedule.NextDelay();
                var floor = Options.Backoff.Bounded(ReconnectFloor);
                await Task.Delay(wait > floor ? wait : floor, clock, stop.Token).ConfigureAwait(false);
                log.Attempted();

                // A handshake into a half-open connection would wait forever: give each attempt a few seconds.
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                attempt.CancelAfter(ConnectTimeout);
                await ReopenAsync(Options.Resume ? LastSeq : null, attempt.Token).ConfigureAwait(false);
                schedule.Connected();
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (EndsConnection(e))
            {
                // Still unreachable (or the handshake timed out): back off and try again.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        await CloseAsync().ConfigureAwait(false);
        stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
