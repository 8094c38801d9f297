using Bench.Harness.Plan;
using Bench.Harness.TargetFiles;
using Bench.Reports.Model;

namespace Bench.Harness.Distributed;

/// <summary>
/// A push run spread over agents against the user's own system (<c>bench run push --agents N --target FILE</c>): every
/// agent reads the same target file, holds its share of the subscribers of one <c>{stream}</c> the run chose (so that
/// all agents' subscribers see all agents' events), and publishes its share of the rate through the file's publish
/// kind, numbered apart as agents are (agent k of n publishes k+1, k+1+n, …). Load goes only to the hosts the file
/// names; webhook agents host their receivers on loopback and register them as the file says. The file reaches an
/// agent as a path (<c>--target-file</c>, <c>$BENCH_TARGET_FILE</c>) and the stream as <c>--stream</c>
/// (<c>$BENCH_STREAM</c>).
/// </summary>
public sealed record AgentTargetFile(TargetFile File, string Stream)
{
    /// <summary>The environment variable that names the target file, as a pod would be given it.</summary>
    public const string FileVariable = "BENCH_TARGET_FILE";

    /// <summary>The environment variable that holds the <c>{stream}</c> every agent shares.</summary>
    public const string StreamVariable = "BENCH_STREAM";

    /// <summary>The transport every agent runs: the file's.</summary>
    public FileTransport Transport { get; } = new(File);

    /// <summary>The URL of the file's publish section, with this run's stream in it.</summary>
    public string PublishUrl => TemplateText.FillUrl(File.Publish.Url, new TemplateValues(Stream));

    /// <summary>The run's side: one stream for all agents of <paramref name="transport"/>'s system.</summary>
    public static AgentTargetFile ForFleet(FileTransport transport) => new(transport.File, FilePushFanOut.NewStream());

    /// <summary>What each agent process is given besides the options every agent gets: the file's full path and the stream.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [FileVariable] = Path.GetFullPath(File.Path),
        [StreamVariable] = Stream,
    };

    /// <summary>
    /// Why <paramref name="file"/> cannot be spread over <paramref name="agents"/> agents, naming the field; null when it
    /// can. Asked by <c>bench run</c> before anything starts and by each agent.
    /// </summary>
    public static string? Refusal(TargetFile file, int agents) =>
        file.ServerSource is not null
            ? $"{file.Path}: source: server: a system that publishes on its own is measured by one process (its load is its own); " +
                "leave --agents out"
            : file.Subscribe.Receiver is not null && agents > 1
            ? $"{file.Path}: subscribe.receiver: one fixed receiver URL cannot be shared by {agents} agents; " +
                "use subscribe.register (each agent registers its own receivers) or leave --agents out"
            : null;

    /// <summary>
    /// The agent's side: the file named by <paramref name="path"/> (or <c>$BENCH_TARGET_FILE</c>) and the stream, or
    /// null when no file is named (the agent attaches to a reference target). Problems are one line each, naming the
    /// option or the file's field.
    /// </summary>
    public static AgentTargetFile? FromRequest(string? path, string? stream, List<string> problems)
    {
        path ??= System.Environment.GetEnvironmentVariable(FileVariable);
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        stream ??= System.Environment.GetEnvironmentVariable(StreamVariable);
        if (string.IsNullOrEmpty(stream))
        {
            problems.Add($"--stream: not given, and ${StreamVariable} is not set (every agent of a target file needs the same stream)");
        }
        else if (stream.Length > 100 || !stream.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add($"--stream: '{(stream.Length > 40 ? stream[..40] + "…" : stream)}' is not a stream name " +
                "(up to 100 letters, digits, - _ .)");
        }

        TargetFile file;
        try
        {
            file = TargetFile.Load(path);
        }
        catch (TargetFileException e)
        {
            problems.Add(e.Message.StartsWith("--target:", StringComparison.Ordinal) ? "--target-file:" + e.Message[9..] : e.Message);
            return null;
        }

        return new AgentTargetFile(file, stream ?? "");
    }

    /// <summary>This agent's share of the run: agent <paramref name="index"/> of <paramref name="count"/>.</summary>
    public AgentRun Run(int index, int count, string runId, ClockMethod clock, string outDirectory, string start, ScenarioSettings total,
        TimeSpan readyTimeout) =>
        new(Transport, index, count, runId, clock, PublishUrl, Token: "", TargetPid: null, outDirectory, start, total, readyTimeout)
        {
            Stream = Stream,
        };

    /// <summary>Which side published, for the report: every agent, each its share, through the file's publish kind.</summary>
    public string Publishing(int agents) =>
        $"all {agents} agents published to {File.Name}, each its share of the rate through {File.Publish.Field} of " +
        $"{Path.GetFileName(File.Path)} (agent k of {agents} published events k+1, k+1+{agents}, …), on one {{stream}} " +
        "that every agent's subscribers shared" +
        (File.Transport.SubscribersConnect ? ""
            : $"; each agent hosted its receivers on {(File.Subscribe.Listen is { } at ? at : "loopback")} and registered them");

    /// <summary>The merged result, saying which side published.</summary>
    public ScenarioResult Noted(ScenarioResult merged, int agents) => merged.Distribution is { } d
        ? merged with { Distribution = d with { Publishing = Publishing(agents) } }
        : merged;
}
