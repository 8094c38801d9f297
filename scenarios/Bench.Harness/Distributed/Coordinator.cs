using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bench.Harness.Distributed;

/// <summary>
/// The coordinator's listener (<c>bench run --agents</c>): agents connect and say <c>hello INDEX TOKEN</c>; a wrong
/// token, an index of no agent or one already connected is refused with a line saying why, and the listener keeps
/// waiting for the right agents until every index has connected or <see cref="WaitForAgentsAsync"/> gives up.
/// </summary>
public sealed class Coordinator : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly int count;
    private readonly string token;
    private readonly AgentLink?[] links;
    private readonly TaskCompletionSource allConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource closing = new();
    private readonly Task accepting;
    private bool registrationClosed;
    private int pendingHellos;

    /// <summary>The most connections waiting to say hello at once; more are closed unread (a flood costs nothing more).</summary>
    public const int MaxPendingHellos = 64;

    private Coordinator(TcpListener listener, int count, string token)
    {
        this.listener = listener;
        this.count = count;
        this.token = token;
        links = new AgentLink?[count];
        accepting = AcceptAsync(closing.Token);
    }

    /// <summary>Where agents connect (the bound port, when 0 was asked for).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)listener.LocalEndpoint;

    /// <summary>Sees each refusal (the peer's address and why), as it happens.</summary>
    public Action<string>? Refused { get; init; }

    /// <summary>
    /// Starts listening on <paramref name="at"/> for <paramref name="count"/> agents presenting <paramref name="token"/>.
    /// </summary>
    public static Coordinator Listen(IPEndPoint at, int count, string token, Action<string>? refused = null)
    {
        var listener = new TcpListener(at);
        listener.Start(count + 16);
        return new Coordinator(listener, count, token) { Refused = refused };
    }

    /// <summary>
    /// Waits until every agent has connected, <paramref name="wait"/> has passed or <paramref name="giveUp"/> completes
    /// (every missing agent is known to be gone); then closes registration (a later hello is refused) and returns the
    /// agents that connected, by index.
    /// </summary>
    public async Task<IReadOnlyList<AgentLink>> WaitForAgentsAsync(TimeSpan wait, Task giveUp, CancellationToken ct)
    {
        await Task.WhenAny(allConnected.Task, Task.Delay(wait, ct), giveUp).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        lock (links)
        {
            registrationClosed = true;
            return [.. links.OfType<AgentLink>()];
        }
    }

    /// <summary>The agents connected so far.</summary>
    public IReadOnlyList<int> Connected()
    {
        lock (links)
        {
            return [.. links.OfType<AgentLink>().Select(l => l.Index)];
        }
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (Interlocked.Increment(ref pendingHellos) > MaxPendingHellos)
            {
                Interlocked.Decrement(ref pendingHellos);
                client.Dispose();
                continue;
            }

            _ = HelloThenReleaseAsync(client, ct);
        }
    }

    private async Task HelloThenReleaseAsync(TcpClient client, CancellationToken ct)
    {
        try
        {
            await HelloAsync(client, ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref pendingHellos);
        }
    }

    private async Task HelloAsync(TcpClient client, CancellationToken ct)
    {
        client.NoDelay = true;
        var peer = client.Client.RemoteEndPoint?.ToString() ?? "?";
        var stream = new ProtocolStream(client.GetStream());
        string? problem;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CoordinatorProtocol.HelloTimeout);
            var line = await stream.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            (var index, problem) = CoordinatorProtocol.CheckHello(line, count, token);
            if (problem is null)
            {
                lock (links)
                {
                    problem = registrationClosed
                        ? string.Create(CultureInfo.InvariantCulture, $"index: agent {index} is too late; the run started without it")
                        : links[index] is not null
                        ? string.Create(CultureInfo.InvariantCulture, $"index: agent {index} is already connected")
                        : null;
                    if (problem is null)
                    {
                        links[index] = new AgentLink(index, client, stream);
                        if (links.All(l => l is not null))
                        {
                            allConnected.TrySetResult();
                        }

                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidDataException or ObjectDisposedException)
        {
            problem = e is OperationCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"no hello within {CoordinatorProtocol.HelloTimeout.TotalSeconds:0} s")
                : e.Message;
        }

        Refused?.Invoke($"{peer}: {problem}");
        try
        {
            await stream.WriteLineAsync("refused " + problem, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // It has gone already.
        }

        await stream.DisposeAsync().ConfigureAwait(false);
        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        await accepting.ConfigureAwait(false);
        AgentLink?[] all;
        lock (links)
        {
            registrationClosed = true;
            all = [.. links];
        }

        foreach (var link in all.OfType<AgentLink>())
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        closing.Dispose();
    }
}

/// <summary>
/// One registered agent's connection, read from the moment it registers: <c>ready</c>, <c>failed WHY</c> and
/// <c>shard LENGTH</c> (answered <c>ok</c>). Its end — the agent gone, a line or shard over the bounds, a line the
/// protocol has no place for — completes <see cref="Closed"/> at once, with why.
/// </summary>
public sealed class AgentLink : IAsyncDisposable
{
    private readonly TcpClient client;
    private readonly ProtocolStream stream;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<byte[]> shard = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource reading = new();
    private Task? reader;

    internal AgentLink(int index, TcpClient client, ProtocolStream stream)
    {
        Index = index;
        this.client = client;
        this.stream = stream;
        reader = ReadAsync(reading.Token);
    }

    public int Index { get; }

    public Task Ready => ready.Task;

    /// <summary>The shard's bytes, as sent (answered <c>ok</c>).</summary>
    public Task<byte[]> Shard => shard.Task;

    /// <summary>Why the connection ended before a shard came (set at once, from its read side).</summary>
    public Task<string> Closed => closed.Task;

    /// <summary>When the connection ended (a <see cref="Stopwatch"/> timestamp), 0 while it is open.</summary>
    public long ClosedAt { get; private set; }

    /// <summary>What the agent said went wrong (<c>failed WHY</c>), if it did.</summary>
    public string? Failure { get; private set; }

    /// <summary>Sends the agent its assignment; false when it has gone (its <see cref="Closed"/> says so).</summary>
    public async Task<bool> SendAssignmentAsync(AgentAssignment assignment, CancellationToken ct)
    {
        try
        {
            await stream.WriteDocumentAsync("assignment", CoordinatorProtocol.Serialize(assignment), ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="line"/>; false when the agent has gone.</summary>
    public async Task<bool> SendAsync(string line, CancellationToken ct)
    {
        try
        {
            await stream.WriteLineAsync(line, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        string why;
        try
        {
            while (true)
            {
                var line = await stream.ReadLineAsync(ct).ConfigureAwait(false);
                if (line is null)
                {
                    why = "connection closed";
                    break;
                }

                if (line == "ready")
                {
                    ready.TrySetResult();
                }
                else if (line.StartsWith("failed ", StringComparison.Ordinal))
                {
                    Failure = line["failed ".Length..];
                }
                else if (line.StartsWith("shard ", StringComparison.Ordinal) && !shard.Task.IsCompleted)
                {
                    var body = await stream.ReadDocumentAsync(line, "shard", CoordinatorProtocol.MaxShardBytes, ct).ConfigureAwait(false);
                    await stream.WriteLineAsync("ok", ct).ConfigureAwait(false);
                    shard.TrySetResult(body);
                }
                else
                {
                    why = $"sent '{CoordinatorProtocol.Shorten(line)}', which the protocol has no place for";
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            why = "connection closed by the coordinator";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException or SocketException)
        {
            why = e is InvalidDataException ? "refused: " + e.Message : "connection closed";
        }

        ClosedAt = Stopwatch.GetTimestamp();
        closed.TrySetResult(Failure is { } failure ? $"{why} ({failure})" : why);
        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await reading.CancelAsync().ConfigureAwait(false);
        client.Dispose();
        if (reader is { } r)
        {
            await r.ConfigureAwait(false);
            reader = null;
        }

        await stream.DisposeAsync().ConfigureAwait(false);
        reading.Dispose();
    }
}
