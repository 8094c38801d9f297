using Bench.Harness.TargetFiles;
using Bench.Reports.Model;

namespace Bench.Harness.Distributed;

/// <summary>
/// A push run spread over agents against the user's own system (<c>bench run push --agents N --target FILE</c>): every
/// agent reads the same target file, holds its share of the subscribers of one <c>{stream}</c> the run chose (so that
/// all agents' subscribers see all agents' events), and publishes its share of the rate through the file's publish
/// kind, numbered apart as agents are (agent k of n publishes k+1, k+1+n, …). Load goes only to the hosts the file
/// names; webhook agents host their receivers on loopback (or <c>subscribe.listen</c>) and register them as the file
/// says. The file's text and the stream reach an agent in its coordinator's assignment (<see cref="AgentAssignment"/>);
/// the agent resolves the file's <c>${env:…}</c> values from its own environment.
/// </summary>
public sealed record AgentTargetFile(TargetFile File, string Stream)
{
    /// <summary>The transport every agent runs: the file's.</summary>
    public FileTransport Transport { get; } = new(File);

    /// <summary>The URL of the file's publish section, with this run's stream in it.</summary>
    public string PublishUrl => TemplateText.FillUrl(File.Publish.Url, new TemplateValues(Stream));

    /// <summary>The file as the coordinator sends it: its name and the text the run loaded and checked.</summary>
    public AssignedTargetFile Assigned { get; private init; } = new(Path.GetFileName(File.Path), "");

    /// <summary>The run's side: one stream for all agents of <paramref name="transport"/>'s system.</summary>
    public static AgentTargetFile ForFleet(FileTransport transport) => new(transport.File, FilePushFanOut.NewStream())
    {
        Assigned = new(Path.GetFileName(transport.File.Path), transport.File.Text),
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
    /// The agent's side: the file its coordinator sent, written to a folder of the agent's own and loaded from there (so
    /// its messages name it), and the stream. Problems are one line each, naming the assignment's field or the file's.
    /// </summary>
    public static AgentTargetFile? FromAssignment(AssignedTargetFile assigned, string? stream, int agents, List<string> problems)
    {
        if (string.IsNullOrEmpty(stream) || stream.Length > 100 || !stream.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add($"stream: '{CoordinatorProtocol.Shorten(stream ?? "")}' is not a stream name (up to 100 letters, digits, - _ .)");
            return null;
        }

        if (assigned.Text.Length > TargetFile.MaxBytes)
        {
            problems.Add($"target_file: more than {TargetFile.MaxBytes / 1024} KiB of text");
            return null;
        }

        var name = assigned.Name.Length is > 0 and <= 100 && assigned.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            && !assigned.Name.StartsWith('.') ? assigned.Name : "target.yaml";
        var folder = Directory.CreateTempSubdirectory("bench-agent-");
        try
        {
            var path = Path.Combine(folder.FullName, name);
            System.IO.File.WriteAllText(path, assigned.Text);
            var file = TargetFile.Load(path);
            if (Refusal(file, agents) is { } refused)
            {
                problems.Add(refused);
                return null;
            }

            return new AgentTargetFile(file, stream);
        }
        catch (TargetFileException e)
        {
            problems.Add("target_file: " + e.Message);
            return null;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Which side published, for the report: every agent, each its share, through the file's publish kind.</summary>
    public string Publishing(int agents) =>
        $"all {agents} agents published to {File.Name}, each its share of the rate through {File.Publish.Field} of " +
        $"{Path.GetFileName(File.Path)} (agent k of {agents} published events k+1, k+1+{agents}, …), on one {{stream}} " +
        "that every agent's subscribers shared" +
        (File.Transport.SubscribersConnect ? ""
            : $"; each agent hosted its receivers on {ListenedOn()} and registered them");

    private string ListenedOn() => File.Subscribe.ListenReference is { } reference
        ? $"the address {reference} gave it"
        : File.Subscribe.Listen ?? "loopback";

    /// <summary>The merged result, saying which side published.</summary>
    public ScenarioResult Noted(ScenarioResult merged, int agents) => merged.Distribution is { } d
        ? merged with { Distribution = d with { Publishing = Publishing(agents) } }
        : merged;
}
