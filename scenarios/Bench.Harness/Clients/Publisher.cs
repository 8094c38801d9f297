using System.Buffers.Binary;
using System.Net.WebSockets;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Targets.Events;
using Bench.Targets.Publishing;

namespace Bench.Harness.Clients;

/// <summary>
/// The harness end of the one publishing mechanism: a kept-alive WebSocket to the target's <c>/publish</c>, one binary
/// frame per event, used unchanged for the hub and the dispatcher. The target acknowledges each event it accepted;
/// those numbers are the <see cref="Accepted"/> set that loss is counted against. When the connection breaks (the
/// target died), publishes are refused at once and counted, and the publisher reconnects in the background.
/// </summary>
public sealed class Publisher : IEventPublisher
{
    /// <summary>50 ms doubling to 500 ms, ± 20 %: the publisher is one connection, and the run waits for it.</summary>
    public static readonly ReconnectPolicy Backoff = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), 2, 0.2);

    private readonly ReconnectBackoff backoff = new(Backoff, TimeProvider.System);
    private readonly string targetUrl;
    private readonly string token;
    private readonly Payloads payloads;
    private readonly byte[] frame;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly SequenceSet accepted = new();
    private readonly CancellationTokenSource stopping = new();
    private ClientWebSocket? socket;
    private Task acks = Task.CompletedTask;
    private Task? reconnecting;
    private long rejected;
    private long reconnects;

    private Publisher(string targetUrl, string token, Payloads payloads)
    {
        this.targetUrl = targetUrl;
        this.token = token;
        this.payloads = payloads;
        frame = new byte[PublishedEvent.HeaderBytes + payloads.Size];
    }

    /// <summary>Publishes that could not be handed to the target (it was down or the connection broke).</summary>
    public long Rejected => Interlocked.Read(ref rejected);

    public long Reconnects => Interlocked.Read(ref reconnects);

    public static async Task<Publisher> ConnectAsync(string targetUrl, string token, Payloads payloads, CancellationToken ct)
    {
        var publisher = new Publisher(targetUrl, token, payloads);
        await publisher.OpenAsync(ct).ConfigureAwait(false);
        return publisher;
    }

    /// <summary>A copy of the numbers the target acknowledged.</summary>
    public SequenceSet Accepted()
    {
        lock (accepted)
        {
            return accepted.Clone();
        }
    }

    public long AcceptedCount
    {
        get
        {
            lock (accepted)
            {
                return accepted.Count;
            }
        }
    }

    /// <summary>Publishes event <paramref name="number"/>, stamped with its intended time; throws when the target is unreachable.</summary>
    public async ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct)
    {
        await sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = socket;
            if (current is null || current.State != WebSocketState.Open)
            {
                Reject();
                throw new IterationFailedException("publish_rejected", "the target is not connected");
            }

            var length = PublishedEvent.WriteFrame(frame, number, intendedTimestamp, payloads.For(number).Span);
            try
            {
                await current.SendAsync(frame.AsMemory(0, length), WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException
                || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // A send on a connection the target aborted surfaces as a cancellation the caller did not ask for.
                Reject();
                throw new IterationFailedException("publish_rejected", e.Message, e);
            }
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>When the first publish was refused (a timestamp), or 0.</summary>
    public long FirstRejectionTimestamp => Interlocked.Read(ref firstRejection);

    private long firstRejection;

    private void Reject()
    {
        Interlocked.CompareExchange(ref firstRejection, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
        Interlocked.Increment(ref rejected);
        if (reconnecting is null || reconnecting.IsCompleted)
        {
            backoff.Disconnected();
            reconnecting = Task.Run(ReconnectLoopAsync);
        }
    }

    private async Task OpenAsync(CancellationToken ct)
    {
        var s = await WebSocketClients.ConnectAsync(targetUrl, PublishEndpoint.Path, token, ct).ConfigureAwait(false);
        var old = Interlocked.Exchange(ref socket, s);
        old?.Dispose();
        backoff.Connected();
        acks = Task.Run(() => ReadAcksAsync(s), CancellationToken.None);
    }

    private async Task ReconnectLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // The schedule carries over from a connection that was accepted and dropped before it acknowledged anything.
                await Task.Delay(backoff.NextDelay(), stopping.Token).ConfigureAwait(false);
                await OpenAsync(stopping.Token).ConfigureAwait(false);
                Interlocked.Increment(ref reconnects);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException)
            {
                // Still unreachable: the next wait is longer.
            }
        }
    }

    private async Task ReadAcksAsync(ClientWebSocket s)
    {
        var buffer = new byte[64];
        try
        {
            while (true)
            {
                var length = await WebSocketClients.ReceiveMessageAsync(s, buffer, stopping.Token).ConfigureAwait(false);
                if (length < 0)
                {
                    return;
                }

                if (length == 8)
                {
                    var number = BinaryPrimitives.ReadInt64LittleEndian(buffer);
                    backoff.Delivered();
                    lock (accepted)
                    {
                        accepted.Add(number);
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection ended; publishes notice on their next send.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (reconnecting is not null)
        {
            await reconnecting.ConfigureAwait(false);
        }

        if (socket is not null)
        {
            await WebSocketClients.CloseQuietlyAsync(socket).ConfigureAwait(false);
        }

        await acks.ConfigureAwait(false);
        sendLock.Dispose();
        stopping.Dispose();
    }
}
