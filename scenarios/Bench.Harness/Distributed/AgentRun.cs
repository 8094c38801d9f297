using System.Globalization;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.TargetFiles;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Distributed;

/// <summary>
/// One agent: its share of a push run against a reference target another process started — its subscribers, its
/// share of the rate — started at the moment every agent starts, and written as <c>shard-INDEX.json</c>. It prints
/// <c>ready</c> once its subscribers are counted by the target, and <c>shard PATH</c> when the shard is written.
/// </summary>
public sealed record AgentRun(
    ITransport Transport, int Index, int Count, string RunId, ClockMethod Clock, string TargetUrl, string Token, int? TargetPid,
    string OutDirectory, string Start, ScenarioSettings Total, TimeSpan ReadyTimeout)
{
    /// <summary>A target file's <c>{stream}</c> every agent shares (<see cref="AgentTargetFile"/>); null for a reference target.</summary>
    public string? Stream { get; init; }

    /// <summary>The file agent <paramref name="index"/> writes.</summary>
    public static string ShardFile(int index) => "shard-" + index.ToString(CultureInfo.InvariantCulture) + ".json";

    /// <summary>This agent's settings: its share of the subscribers and of the rate.</summary>
    public ScenarioSettings Share()
    {
        var (_, size) = AgentShare.Split(Total.Subscribers, Index, Count);
        return Total with { Subscribers = size, Connections = size, RatePerSec = Total.RatePerSec / Count };
    }

    public async Task<int> ExecuteAsync(IProgressSink progress, TextWriter output, TextReader input,
        TimeProvider clock, CancellationToken ct)
    {
        var share = Share();
        var (firstStream, _) = AgentShare.Split(Total.Subscribers, Index, Count);
        using var target = new ExternalTarget(Transport.Name, TargetUrl.TrimEnd('/'), TargetPid) { Token = Token };
        PushScenario.PushEvidence? evidence = null;
        var attached = new AttachedTarget(target, Token, Total.Subscribers) { Stream = Stream };
        var agent = new AgentShare(Index, Count, Clock, attached, firstStream,
            TimeSpan.FromSeconds((Index + 0.5) / Total.RatePerSec), token => WaitForStartAsync(output, input, clock, token))
        {
            Evidence = e => evidence = e,
        };
        var context = new ScenarioContext(share, ReadyTimeout, progress) { Clock = clock, Agent = agent };
        ScenarioResult result;
        try
        {
            result = await new PushScenario().RunAsync(context, Transport, VariantName.Default, ct).ConfigureAwait(false);
        }
        catch (TargetFailedException e)
        {
            progress.Message($"error: agent {Index}: {e.Message}");
            return ExitCodes.RunFailed;
        }
        catch (InvalidDataException e)
        {
            progress.Message($"error: {e.Message}");
            return ExitCodes.Usage;
        }

        var shard = new ShardResult
        {
            RunId = RunId,
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
        Directory.CreateDirectory(OutDirectory);
        var path = Path.Combine(OutDirectory, ShardFile(Index));
        ResultsJson.WriteShard(shard, path);
        await output.WriteLineAsync("shard " + Path.GetFullPath(path)).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Reads a line on a thread of its own: the console's asynchronous read blocks the pool thread that calls it, and
    /// an agent's subscribers need every pool thread (a blocked one stalled half of them in a test).
    /// </summary>
    public static Task<string?> ReadLineAsync(TextReader input, CancellationToken ct) =>
        Task.Factory.StartNew(() => ReadBoundedLine(input), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The longest line an agent reads from standard input; a command is a few dozen characters.</summary>
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
    /// The start an agent was told on standard input: <c>start TIMESTAMP</c> on this machine's monotonic clock, at most
    /// <see cref="MaxStartAhead"/> ahead. Throws <see cref="TargetFailedException"/> for another line and
    /// <see cref="InvalidDataException"/> for a start so far ahead the agent would wait for ever.
    /// </summary>
    public static long ParseStart(string? line, TimeProvider clock, int index)
    {
        if (line is null || !line.StartsWith("start ", StringComparison.Ordinal) || !long.TryParse(line.AsSpan(6), NumberStyles.None,
            CultureInfo.InvariantCulture, out var at))
        {
            throw new TargetFailedException($"agent {index}: expected 'start TIMESTAMP' on standard input, got '{line}'");
        }

        var now = clock.GetTimestamp();
        if ((at - now) / (double)clock.TimestampFrequency > MaxStartAhead.TotalSeconds)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"agent {index}: start {at} is more than {MaxStartAhead.TotalMinutes:0} minutes ahead of this machine's clock ({now})"));
        }

        return at;
    }

    /// <summary>How far ahead a <c>start TIMESTAMP</c> may lie: agents start within seconds of being told.</summary>
    public static readonly TimeSpan MaxStartAhead = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Says <c>ready</c>, then waits for the start: a line <c>start TIMESTAMP</c> on standard input (this machine's
    /// monotonic clock, from <c>bench run --agents</c>), or the UTC time <see cref="Start"/> names (a Kubernetes job).
    /// </summary>
    private async Task<long> WaitForStartAsync(TextWriter output, TextReader input, TimeProvider clock, CancellationToken ct)
    {
        await output.WriteLineAsync("ready").ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        if (Start == "stdin")
        {
            return ParseStart(await ReadLineAsync(input, ct).ConfigureAwait(false), clock, Index);
        }

        var startAt = DateTimeOffset.Parse(Start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var wait = startAt - clock.GetUtcNow();
        if (wait < TimeSpan.Zero)
        {
            throw new TargetFailedException(string.Create(CultureInfo.InvariantCulture,
                $"agent {Index}: the start time {startAt:O} passed {-wait.TotalSeconds:0.0} s before its subscribers were ready; set " +
                $"BENCH_START_AT later"));
        }

        return clock.GetTimestamp() + (long)(wait.TotalSeconds * clock.TimestampFrequency);
    }
}
