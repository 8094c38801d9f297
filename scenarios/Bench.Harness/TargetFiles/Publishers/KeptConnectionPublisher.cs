using System.Net.WebSockets;
using Bench.Engine.Recording;
using Bench.Harness.Clients;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// A publisher over one kept connection to a target file's system (<c>publish.websocket</c>, <c>publish.signalr</c>):
/// the counts, and what happens when the connection is lost. Publishes are then refused at once
/// (<c>publish_connection_lost</c>, never lost) while the connection is made again in the background on the publisher
/// backoff (<see cref="Publisher.Backoff"/>, which starts again only after a connection stayed up for its healthy time);
/// after <see cref="HttpEventPublisher.UnreachableInARow"/> failed attempts in a row the system counts as gone. The run's
/// result says how often it was lost and made again (<see cref="Warning"/>).
/// </summary>
public abstract class KeptConnectionPublisher : ITargetPublisher
{
    private readonly string fieldName;
    private readonly ReconnectBackoff backoff;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private Task reconnecting = Task.CompletedTask;
    private long losses;
    private long reconnects;

    protected KeptConnectionPublisher(string field, PublishSetup setup)
    {
        fieldName = field;
        Setup = setup;
        Counts = new PublishCounts(setup.Clock);
        backoff = new ReconnectBackoff(Publisher.Backoff, setup.Clock);
    }

    protected PublishSetup Setup { get; }

    protected PublishCounts Counts { get; }

    /// <summary>True once the run is over and the publisher is being disposed: a lost connection is then not made again.</summary>
    protected bool Stopping => stopping.IsCancellationRequested;

    public long AcceptedCount => Counts.AcceptedCount;

    public long Rejected => Counts.Rejected;

    public long FirstRejectionTimestamp => Counts.FirstRejectionTimestamp;

    public SequenceSet Accepted() => Counts.Accepted();

    /// <summary>The times the connection was lost, and made again, when it was.</summary>
    public Bench.Reports.Warnings.RunWarning? Warning =>
        PublishCounts.ConnectionWarning(fieldName, Interlocked.Read(ref losses), Interlocked.Read(ref reconnects));

    public abstract ValueTask PublishAsync(long number, long intendedTimestamp, CancellationToken ct);

    /// <summary>Makes the connection (again); throws what <see cref="Transient"/> lists when it cannot.</summary>
    protected abstract Task OpenAsync(CancellationToken ct);

    /// <summary>Ends the connection at the end of the run, after every reconnect has stopped.</summary>
    protected abstract ValueTask CloseAsync();

    /// <summary>A connection was made: the backoff starts again once it has stayed up for the healthy time.</summary>
    protected void Opened() => backoff.Connected();

    /// <summary>The connection ended (<paramref name="why"/>, when known): counted, and made again in the background.</summary>
    protected void ConnectionLost(Exception? why)
    {
        Interlocked.Increment(ref losses);
        backoff.Disconnected();
        lock (gate)
        {
            if (!stopping.IsCancellationRequested)
            {
                reconnecting = Task.Run(() => ReconnectAsync(why), CancellationToken.None);
            }
        }
    }

    /// <summary>The failures of a connection attempt that another attempt may cure.</summary>
    protected static bool Transient(Exception e) => e is WebSocketException or HttpRequestException or IOException
        or InvalidOperationException or InvalidDataException or System.Net.Sockets.SocketException or OperationCanceledException;

    private async Task ReconnectAsync(Exception? why)
    {
        for (var failed = 0; failed < HttpEventPublisher.UnreachableInARow; failed++)
        {
            try
            {
                await Task.Delay(backoff.NextDelay(), stopping.Token).ConfigureAwait(false);
                await OpenAsync(stopping.Token).ConfigureAwait(false);
                Interlocked.Increment(ref reconnects);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Transient(e))
            {
                why = e;
            }
        }

        Setup.Target?.Gone($"{fieldName}: the connection was lost and {HttpEventPublisher.UnreachableInARow} reconnects in a row " +
            $"failed ({why?.Message ?? "closed by the system"})");
    }

    public async ValueTask DisposeAsync()
    {
        Task pending;
        lock (gate)
        {
            stopping.Cancel();
            pending = reconnecting;
        }

        await pending.ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
