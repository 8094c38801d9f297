using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bench.Harness.Distributed;

/// <summary>
/// The line protocol between <c>bench run</c> (the coordinator) and its agents, over one TCP connection each
/// (docs/distributed.md): <c>hello INDEX TOKEN</c>; <c>refused WHY</c> or <c>assignment LENGTH</c> and that many bytes of
/// JSON (<see cref="AgentAssignment"/>); <c>ready</c>; <c>start TIMESTAMP</c> or <c>start in MS</c>; <c>failed WHY</c>
/// or <c>shard LENGTH</c> and the shard's JSON; <c>ok</c>. Plain sockets rather than Kestrel: a handful of long-lived
/// connections, each a strict conversation, needs no HTTP, and reading the socket is what notices a dropped agent at once.
/// </summary>
public static class CoordinatorProtocol
{
    /// <summary>The longest line either side reads, in bytes; the longest legitimate one is a hello of about 60.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>The largest assignment an agent reads: its settings, and a target file of up to 1 MiB (as text, escaped).</summary>
    public const int MaxAssignmentBytes = 8 * 1024 * 1024;

    /// <summary>The largest shard the coordinator reads: what <c>bench merge</c> reads from a file.</summary>
    public const long MaxShardBytes = Reports.Json.ResultsJson.MaxBytes;

    /// <summary>How long a new connection has to say hello before it is closed.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether <paramref name="given"/> is the run's token, in time that does not depend on where they differ (both are
    /// hashed first, so their lengths do not show either).
    /// </summary>
    public static bool TokenMatches(string given, string expected) => CryptographicOperations.FixedTimeEquals(
        SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>
    /// Reads <c>hello INDEX TOKEN</c>: the index, or a reason to refuse it (the index is checked against the run's
    /// <paramref name="count"/>, the token against <paramref name="token"/>). Whether the index is taken is the caller's.
    /// </summary>
    public static (int Index, string? Problem) CheckHello(string? line, int count, string token)
    {
        var parts = line?.Split(' ') ?? [];
        if (parts.Length != 3 || parts[0] != "hello")
        {
            return (-1, "expected 'hello INDEX TOKEN'");
        }

        if (!TokenMatches(parts[2], token))
        {
            return (-1, "token: not this run's (BENCH_TOKEN)");
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return (-1, "index: not a whole number of 0 or more (JOB_COMPLETION_INDEX)");
        }

        return index >= count
            ? (index, string.Create(CultureInfo.InvariantCulture, $"index: {index} is not below the run's {count} agents"))
            : (index, null);
    }

    /// <summary>
    /// The length a <c>WORD LENGTH</c> line announces, or an <see cref="InvalidDataException"/> over <paramref name="max"/>.
    /// </summary>
    public static int DocumentLength(string line, string word, long max)
    {
        if (!line.StartsWith(word + " ", StringComparison.Ordinal)
            || !long.TryParse(line.AsSpan(word.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new InvalidDataException($"expected '{word} LENGTH', got '{Shorten(line)}'");
        }

        if (length > max)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{word}: {length:N0} bytes announced; at most {max:N0} are read"));
        }

        return (int)length;
    }

    /// <summary>A peer's line as it may appear in a message: its first 40 characters.</summary>
    public static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "…";

    public static byte[] Serialize(AgentAssignment assignment) =>
        JsonSerializer.SerializeToUtf8Bytes(assignment, CoordinatorJsonContext.Default.AgentAssignment);

    /// <summary>The assignment in <paramref name="json"/>; <see cref="InvalidDataException"/> when it is not one.</summary>
    public static AgentAssignment Deserialize(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, CoordinatorJsonContext.Default.AgentAssignment)
                ?? throw new InvalidDataException("the assignment is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the assignment is not JSON Bench reads: {e.Message}", e);
        }
    }
}

/// <summary>
/// Everything an agent is told about its share of a push run, sent by the coordinator once it has its agents.
/// <see cref="ExpectedSubscribers"/> is how many subscribers the target must count before the agents say ready: every
/// registered agent's share (an agent that never connected holds none).
/// </summary>
public sealed record AgentAssignment
{
    public required string RunId { get; init; }

    public required int Index { get; init; }

    public required int Count { get; init; }

    public required string Transport { get; init; }

    public required string TargetUrl { get; init; }

    public required string HubToken { get; init; }

    /// <summary>A process on the agent's machine whose CPU and memory are the target's (one machine only).</summary>
    public int? TargetPid { get; init; }

    /// <summary><c>shared</c> (start at a timestamp of the one machine's monotonic clock) or <c>own</c>.</summary>
    public required string Clock { get; init; }

    public required double RatePerSec { get; init; }

    public required int Subscribers { get; init; }

    public required int ExpectedSubscribers { get; init; }

    public required int PayloadBytes { get; init; }

    public required long DurationMs { get; init; }

    public required long WarmupMs { get; init; }

    public required long CostProbeMs { get; init; }

    public required long ReadyTimeoutMs { get; init; }

    /// <summary>A target file the agents run against instead of a reference target (its name and text); null: none.</summary>
    public AssignedTargetFile? TargetFile { get; init; }

    /// <summary>With <see cref="TargetFile"/>: the <c>{stream}</c> every agent's subscribers and publishes share.</summary>
    public string? Stream { get; init; }
}

/// <summary>A target file carried in an assignment: its file name and its text.</summary>
public sealed record AssignedTargetFile(string Name, string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AgentAssignment))]
internal sealed partial class CoordinatorJsonContext : JsonSerializerContext;
