using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Bench.Harness.Cluster;

/// <summary>A checked <see cref="ClusterRequest"/>: every value the manifests are rendered from.</summary>
public sealed partial record ClusterPlan
{
    /// <summary>The port the coordinator listens on for agents (<c>--agents-listen 0.0.0.0:7000</c>) and its Service serves.</summary>
    public const int CoordinatorPort = 7000;

    /// <summary>Where the ConfigMap's target file is mounted in the coordinator's container.</summary>
    public const string ConfigFolder = "/etc/bench";

    /// <summary>The coordinator pod's emptyDir: the run folder is written to RESULTS/RUNID and copied from there.</summary>
    public const string ResultsFolder = "/results";

    /// <summary>The file the copy leaves in <see cref="ResultsFolder"/> so the pod may end.</summary>
    public const string CopiedMarker = ".copied";

    /// <summary>The <c>app</c> user of the .NET images (and of deploy/k8s/Dockerfile).</summary>
    public const long AppUid = 1654;

    /// <summary>Kubernetes refuses more completions than this in an Indexed Job with a per-index backoff limit.</summary>
    public const int MaxAgents = 100_000;

    /// <summary>A ConfigMap holds at most 1 MiB; the target file may take half.</summary>
    public const int MaxTargetBytes = 512 * 1024;

    /// <summary>The longest object-name suffix is "-coordinator"; "bench-" + id + it stays within 63 characters.</summary>
    public const int MaxRunIdLength = 63 - 6 - 12;

    /// <summary>The coordinator's options the run sets itself; the arguments after -- may not set them again.</summary>
    public static readonly IReadOnlyList<string> ReservedRunOptions =
        ["--agents", "--agents-listen", "--target", "--out", "--help", "-h", "-?"];

    public required string RunId { get; init; }

    public required string Namespace { get; init; }

    public required string Image { get; init; }

    public required int Agents { get; init; }

    /// <summary>The target file's text, as the ConfigMap carries it.</summary>
    public required string TargetText { get; init; }

    public required IReadOnlyList<string> RunArgs { get; init; }

    public required string AgentCpu { get; init; }

    public required string AgentMemory { get; init; }

    public required string CoordinatorCpu { get; init; }

    public required string CoordinatorMemory { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> NodeSelector { get; init; }

    public required IReadOnlyList<Toleration> Tolerations { get; init; }

    /// <summary>The token agents and the coordinator share (the run's Secret).</summary>
    public required string Token { get; init; }

    /// <summary>
    /// The variables the target file names as <c>${env:NAME}</c>, with their values here: the run's Secret carries them
    /// (key <c>env-NAME</c>) and every pod gets them as NAME, so the file loads in the coordinator and in each agent as
    /// it does on this machine.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> FileVariables { get; init; } = [];

    public required bool Cleanup { get; init; }

    public required TimeSpan Timeout { get; init; }

    public string? Render { get; init; }

    /// <summary>Where the run folder is copied to on this machine.</summary>
    public required string Out { get; init; }

    /// <summary>An object of this run: <c>bench-RUNID-PART</c>.</summary>
    public string Name(string part) => $"bench-{RunId}-{part}";

    /// <summary>The label selector of every object of this run.</summary>
    public string Selector => $"{ClusterManifests.RunIdLabel}={RunId}";

    /// <summary>
    /// Checks <paramref name="request"/>; every problem is a line naming its option (a <see cref="UsageException"/>).
    /// <paramref name="now"/> makes the default run id.
    /// </summary>
    public static ClusterPlan From(ClusterRequest request, DateTimeOffset now)
    {
        var problems = new List<string>();
        var image = request.Image?.Trim() ?? "";
        if (image.Length == 0 || image.Any(char.IsWhiteSpace))
        {
            problems.Add(image.Length == 0 ? "--image: required: the image every pod runs (deploy/k8s/Dockerfile)"
                : $"--image: '{request.Image}' has white space in it");
        }

        var agents = request.Agents ?? 0;
        if (request.Agents is null)
        {
            problems.Add("--agents: required: how many agent pods share the load");
        }
        else if (agents is < 1 or > MaxAgents)
        {
            problems.Add($"--agents: {agents} is not between 1 and {MaxAgents:N0}");
        }

        var ns = request.Namespace ?? "default";
        if (!Label().IsMatch(ns) || ns.Length > 63)
        {
            problems.Add($"--namespace: '{ns}' is not a namespace name (lowercase letters, digits and -, at most 63)");
        }

        var runId = request.RunId ?? now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-"
            + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        if (!Label().IsMatch(runId) || runId.Length > MaxRunIdLength)
        {
            problems.Add($"--run-id: '{runId}' must be lowercase letters, digits and - (not first or last), at most {MaxRunIdLength}");
        }

        var target = ReadTarget(request.Target, problems);
        var variables = target is null ? [] : FileVariablesOf(target, request.Target!, problems);
        var agentCpu = Quantity("--agent-cpu", request.AgentCpu ?? "1", problems);
        var agentMemory = Quantity("--agent-memory", request.AgentMemory ?? "2Gi", problems);
        var coordinatorCpu = Quantity("--coordinator-cpu", request.CoordinatorCpu ?? "1", problems);
        var coordinatorMemory = Quantity("--coordinator-memory", request.CoordinatorMemory ?? "1Gi", problems);
        var selector = request.NodeSelectors.Select(s => NodeLabel(s, problems)).OfType<KeyValuePair<string, string>>().ToList();
        var tolerations = request.Tolerations.Select(t => Toleration.Parse(t, problems)).OfType<Toleration>().ToList();
        var timeout = request.Timeout ?? TimeSpan.FromHours(2);
        if (timeout <= TimeSpan.Zero)
        {
            problems.Add("--timeout: must be more than 0");
        }

        foreach (var arg in request.RunArgs)
        {
            var name = arg.Split('=', ':')[0];
            if (ReservedRunOptions.Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"-- {name}: set by bench cluster run itself (its own --agents, --target and --out), not after --");
            }
        }

        if (request.Render is { Length: 0 })
        {
            problems.Add("--render: an empty folder name");
        }

        UsageException.ThrowIfAny(problems);
        return new ClusterPlan
        {
            RunId = runId,
            Namespace = ns,
            Image = image,
            Agents = agents,
            TargetText = target!,
            RunArgs = [.. request.RunArgs],
            AgentCpu = agentCpu,
            AgentMemory = agentMemory,
            CoordinatorCpu = coordinatorCpu,
            CoordinatorMemory = coordinatorMemory,
            NodeSelector = selector,
            Tolerations = tolerations,
            Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            FileVariables = variables,
            Cleanup = request.Cleanup,
            Timeout = timeout,
            Render = request.Render,
            Out = request.Out ?? Path.Combine("results", runId),
        };
    }

    /// <summary>
    /// Each <c>${env:NAME}</c> of the target file with its value in this process's environment; an unset one, or one of
    /// the names the pods are given by Bench itself, is a problem naming the option.
    /// </summary>
    private static List<KeyValuePair<string, string>> FileVariablesOf(string text, string path, List<string> problems)
    {
        var found = new List<KeyValuePair<string, string>>();
        foreach (var name in EnvReference().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
        {
            if (name == ClusterManifests.PodAddressVariable)
            {
                continue; // every pod is given its own address
            }

            if (name.StartsWith("BENCH_", StringComparison.Ordinal) || name == "HOME")
            {
                problems.Add($"--target: {path} names ${{env:{name}}}; the pods' BENCH_* variables and HOME are set by bench cluster " +
                    "run itself: name the value another way");
            }
            else if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                found.Add(new(name, value));
            }
            else
            {
                problems.Add($"--target: {path} names ${{env:{name}}}, which is not set here; the pods get it from this environment");
            }
        }

        return found;
    }

    [GeneratedRegex(@"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvReference();

    private static string? ReadTarget(string? path, List<string> problems)
    {
        if (string.IsNullOrEmpty(path))
        {
            // The reference hub takes events over its own binary publish frames, which a target file cannot describe;
            // until the coordinator can be pointed at it, a run on a cluster measures a system a target file describes.
            problems.Add("--target: required: the target file of the system to measure (docs/targets.md); "
                + "the reference hub cannot be described by one yet");
            return null;
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            problems.Add($"--target: '{path}' is not a file");
            return null;
        }

        if (file.Length > MaxTargetBytes)
        {
            problems.Add($"--target: '{path}' is {file.Length:N0} bytes; a ConfigMap carries at most {MaxTargetBytes:N0} of it");
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"--target: '{path}' cannot be read: {e.Message}");
            return null;
        }
    }

    private static string Quantity(string option, string value, List<string> problems)
    {
        if (!QuantityText().IsMatch(value))
        {
            problems.Add($"{option}: '{value}' is not a Kubernetes quantity (500m, 2, 512Mi, 4Gi)");
        }

        return value;
    }

    private static KeyValuePair<string, string>? NodeLabel(string text, List<string> problems)
    {
        var at = text.IndexOf('=', StringComparison.Ordinal);
        var key = at < 0 ? text : text[..at];
        var value = at < 0 ? "" : text[(at + 1)..];
        if (at < 0 || !IsLabelKey(key) || !IsLabelValue(value))
        {
            problems.Add($"--node-selector: '{text}' is not key=value with a node label's key and value");
            return null;
        }

        return new(key, value);
    }

    internal static bool IsLabelKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        var prefix = slash < 0 ? null : key[..slash];
        return name.Length is > 0 and <= 63 && LabelName().IsMatch(name)
            && (prefix is null || (prefix.Length <= 253 && Subdomain().IsMatch(prefix)));
    }

    internal static bool IsLabelValue(string value) => value.Length == 0 || (value.Length <= 63 && LabelName().IsMatch(value));

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$")]
    private static partial Regex LabelName();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")]
    private static partial Regex QuantityText();
}

/// <summary>A taint the run's pods tolerate: <c>key=value:Effect</c> (operator Equal) or <c>key:Effect</c> (Exists).</summary>
public sealed record Toleration(string Key, string? Value, string Effect)
{
    private static readonly string[] Effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    internal static Toleration? Parse(string text, List<string> problems)
    {
        var colon = text.LastIndexOf(':');
        var effect = colon < 0 ? "" : text[(colon + 1)..];
        var head = colon < 0 ? text : text[..colon];
        var eq = head.IndexOf('=', StringComparison.Ordinal);
        var key = eq < 0 ? head : head[..eq];
        var value = eq < 0 ? null : head[(eq + 1)..];
        if (!Effects.Contains(effect, StringComparer.Ordinal) || !ClusterPlan.IsLabelKey(key)
            || (value is not null && !ClusterPlan.IsLabelValue(value)))
        {
            problems.Add($"--toleration: '{text}' is not key=value:Effect or key:Effect (Effect: {string.Join(", ", Effects)})");
            return null;
        }

        return new Toleration(key, value, effect);
    }
}
