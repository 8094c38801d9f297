using System.Globalization;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.TargetFiles;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Model;

namespace Bench.Harness.Distributed;

/// <summary>
/// One agent's share of a push run, as its coordinator assigned it (<see cref="AgentAssignment"/>): its subscribers,
/// its share of the rate, against the target every agent shares, started when the coordinator says (after the agent's
/// subscribers are counted), and returned as its shard.
/// </summary>
public sealed record AgentRun(ITransport Transport, AgentAssignment Assignment, ClockMethod Clock, ScenarioSettings Total)
{
    /// <summary>The file agent <paramref name="index"/>'s shard is kept in (by the coordinator).</summary>
    public static string ShardFile(int index) => "shard-" + index.ToString(CultureInfo.InvariantCulture) + ".json";

    /// <summary>A target file's <c>{stream}</c> every agent shares (<see cref="AgentTargetFile"/>); null for a reference target.</summary>
    public string? Stream => Assignment.Stream;

    public int Index => Assignment.Index;

    public int Count => Assignment.Count;

    /// <summary>This agent's settings: its share of the subscribers and of the rate.</summary>
    public ScenarioSettings Share()
    {
        var (_, size) = AgentShare.Split(Total.Subscribers, Index, Count);
        return Total with { Subscribers = size, Connections = size, RatePerSec = Total.RatePerSec / Count };
    }

    /// <summary>Runs the share; a failure is a <see cref="TargetFailedException"/> (or <see cref="InvalidDataException"/>).</summary>
    public async Task<ShardResult> ExecuteAsync(IProgressSink progress, Func<CancellationToken, Task<long>> waitForStartAsync,
        TimeProvider clock, TimeSpan readyTimeout, CancellationToken ct)
    {
        var share = Share();
        var (firstStream, _) = AgentShare.Split(Total.Subscribers, Index, Count);
        using var target = new ExternalTarget(Transport.Name, Assignment.TargetUrl.TrimEnd('/'), Assignment.TargetPid)
        {
            Token = Assignment.HubToken,
        };
        PushScenario.PushEvidence? evidence = null;
        var attached = new AttachedTarget(target, Assignment.HubToken, Assignment.ExpectedSubscribers) { Stream = Stream };
        var agent = new AgentShare(Index, Count, Clock, attached, firstStream, TimeSpan.FromSeconds((Index + 0.5) / Total.RatePerSec),
            waitForStartAsync)
        {
            Evidence = e => evidence = e,
        };
        var context = new ScenarioContext(share, readyTimeout, progress) { Clock = clock, Agent = agent };
        var result = await new PushScenario().RunAsync(context, Transport, VariantName.Default, ct).ConfigureAwait(false);
        return new ShardResult
        {
            RunId = Assignment.RunId,
            Index = Index,
            Count = Count,
            Host = Environment.MachineName,
            Clock = ClockMethods.Name(Clock),
            Result = result,
            Accepted = evidence?.Accepted.ToRangeText() ?? "",
            Measured = evidence?.Measured.ToRangeText() ?? "",
            FirstMeasured = evidence?.FirstMeasured ?? 0,
            Streams = evidence is null ? [] : [.. evidence.Accounting.Trackers.Select(t => (Tracker: t, Counts: t.Snapshot()))
                .Select(x => new ShardStream(x.Tracker.Stream, x.Tracker.Seen().ToRangeText(), x.Counts.Duplicated, x.Counts.OutOfOrder))],
        };
    }

    /// <summary>
    /// Reads a line on a thread of its own: the console's asynchronous read blocks the pool thread that calls it, and
    /// an agent's subscribers need every pool thread (a blocked one stalled half of them in a test).
    /// </summary>
    public static Task<string?> ReadLineAsync(TextReader input, CancellationToken ct) =>
        Task.Factory.StartNew(() => ReadBoundedLine(input), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The longest line an agent reads from standard input (connections); a command is a few dozen characters.</summary>
    public const int MaxLineChars = 4096;

    /// <summary>
    /// A line of at most <see cref="MaxLineChars"/> characters, or null at the end of input. A longer line is read to
    /// its end but kept only as its first characters and '…' (which no command matches): a 200 MB line once cost an agent
    /// 2.5 GB and came back whole in its error message.
    /// </summary>
    public static string? ReadBoundedLine(TextReader input)
    {
        var line = new System.Text.StringBuilder();
        var cut = false;
        int c;
        while ((c = input.Read()) >= 0)
        {
            if (c == '\n')
            {
                return Line();
            }

            if (line.Length < MaxLineChars)
            {
                line.Append((char)c);
            }
            else
            {
                cut = true;
            }
        }

        return line.Length > 0 || cut ? Line() : null;

        string Line()
        {
            if (line.Length > 0 && line[^1] == '\r' && !cut)
            {
                line.Length--;
            }

            return cut ? line.ToString(0, 40) + "…" : line.ToString();
        }
    }

    /// <summary>
    /// The start an agent was told by its coordinator: <c>start TIMESTAMP</c> on this machine's monotonic clock (agents
    /// on the coordinator's machine), or <c>start in MS</c> from now (an agent's own clock); at most
    /// <see cref="MaxStartAhead"/> ahead. Throws <see cref="TargetFailedException"/> for another line and
    /// <see cref="InvalidDataException"/> for a start so far ahead the agent would wait for ever.
    /// </summary>
    public static long ParseStart(string? line, TimeProvider clock, int index)
    {
        var now = clock.GetTimestamp();
        if (line is not null && line.StartsWith("start in ", StringComparison.Ordinal))
        {
            if (!long.TryParse(line.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                throw new TargetFailedException(
                    $"agent {index}: expected 'start in MILLISECONDS', got '{CoordinatorProtocol.Shorten(line)}'");
            }

            if (ms > MaxStartAhead.TotalMilliseconds)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"agent {index}: start in {ms} ms is more than {MaxStartAhead.TotalMinutes:0} minutes ahead"));
            }

            return now + (long)(ms / 1000.0 * clock.TimestampFrequency);
        }

        if (line is null || !line.StartsWith("start ", StringComparison.Ordinal) || !long.TryParse(line.AsSpan(6), NumberStyles.None,
            CultureInfo.InvariantCulture, out var at))
        {
            throw new TargetFailedException($"agent {index}: expected 'start TIMESTAMP' or 'start in MS', got " +
                $"'{(line is null ? "" : CoordinatorProtocol.Shorten(line))}'");
        }

        if ((at - now) / (double)clock.TimestampFrequency > MaxStartAhead.TotalSeconds)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"agent {index}: start {at} is more than {MaxStartAhead.TotalMinutes:0} minutes ahead of this machine's clock ({now})"));
        }

        return at;
    }

    /// <summary>How far ahead a start may lie: agents start within seconds of being told.</summary>
    public static readonly TimeSpan MaxStartAhead = TimeSpan.FromMinutes(10);
}
