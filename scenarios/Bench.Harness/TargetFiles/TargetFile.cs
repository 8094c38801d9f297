using System.Text.RegularExpressions;
using Bench.Harness.TargetFiles.Publishers;
using Bench.Harness.TargetFiles.ServerSource;
using Bench.Harness.Transports;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bench.Harness.TargetFiles;

/// <summary>A target file that failed to load or validate: one line naming the file and the field at fault (exit 2).</summary>
public sealed class TargetFileException(string message) : Exception(message);

/// <summary>
/// A system Bench did not write, described by a target file and validated: how to make it publish (one of
/// <see cref="PublishKinds.All"/>), how a subscriber connects, where Bench's envelope is in what arrives, an optional rtt
/// endpoint and process id. Secrets are read from environment variables (<c>${env:NAME}</c>) when the file loads; they
/// are never printed or written to results.
/// </summary>
public sealed partial record TargetFile(
    string Path, string Name, ITargetFileBinding Transport, IPublishSpec Publish, SubscribeSpec Subscribe, EnvelopePath Envelope,
    RttSpec? Rtt, int? Pid)
{
    /// <summary>What the <c>transport</c> field can name: each transport's binding, as the catalogue lists them.</summary>
    public static IReadOnlyList<string> Transports => [.. TransportCatalog.FileBindings.Select(b => b.Name)];

    /// <summary>
    /// The values the file's <c>${env:NAME}</c> references took: never printed, masked wherever a URL is
    /// (<see cref="Clients.UrlText"/>). The default is none.
    /// </summary>
    public IReadOnlyList<string> SecretValues { get; init; } = [];

    /// <summary>The file's text as it was read and checked (what agents are sent, not a second read of the path).</summary>
    public string Text { get; init; } = "";

    /// <summary>Every host the file names: the only hosts Bench sends anything to for this target.</summary>
    public IReadOnlyList<string> Hosts =>
        [.. new[] { Publish.Url, Subscribe.Url, Subscribe.Register?.Url, Subscribe.Receiver, Rtt?.Url, Rtt?.Http?.Url }
            .Where(u => u is not null)
            .Select(u => new Uri(TemplateText.Fill(u!, TemplateValues.Sample)).Host)
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The largest target file read: a target file is a few KB of YAML.</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>Reads and validates a target file; throws <see cref="TargetFileException"/> naming the field at fault.</summary>
    public static TargetFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new TargetFileException($"--target: no such file: {path}");
        }

        TargetFileModel? model;
        string text;
        try
        {
            text = Bench.Reports.Json.BoundedFile.ReadAllText(path, MaxBytes);
            var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
            model = deserializer.Deserialize<TargetFileModel>(text);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new TargetFileException($"--target: {e.Message}");
        }
        catch (YamlException e)
        {
            var detail = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
            if (UnknownField().Match(detail) is { Success: true } unknown)
            {
                detail = $"{unknown.Groups[1].Value}: not a field of this section; see docs/targets.md";
            }

            throw new TargetFileException($"{path}: line {e.Start.Line}: {detail}");
        }

        if (model is null)
        {
            throw new TargetFileException($"{path}: the file is empty");
        }

        var v = new TargetFileFields(path);
        var named = v.OneOf("transport", model.Transport, Transports);
        var transport = TransportCatalog.FileBindings.Single(b => b.Name == named);
        var name = model.Name is { Length: > 0 } n ? v.Name("name", n) : System.IO.Path.GetFileNameWithoutExtension(path);
        var server = ServerSourceSpec.Read(v, model, named);
        var publish = server is null ? PublishKinds.Read(model.Publish, v) : null;
        var subscribe = model.Subscribe is { } s
            ? transport.Subscribe(s, v.Headers("subscribe.headers", s.Headers), v)
            : throw v.Fail("subscribe",
                "required: how a subscriber connects (url), or for webhooks how Bench's receiver is registered (register or receiver)");
        if (model.Subscribe?.Listen is not null && transport.SubscribersConnect)
        {
            throw v.Fail("subscribe.listen", "webhooks only: where Bench's receivers listen; a subscriber of this transport connects out");
        }

        var envelope = v.Envelope(model.Envelope);
        RttSpec? rtt = null;
        if (model.Rtt is { } r)
        {
            if (r.Url is null == r.Http is null)
            {
                throw v.Fail("rtt", "give either url (a WebSocket echo) or http (a request whose answer ends the round trip)");
            }

            rtt = new RttSpec(
                r.Url is null ? null : v.Url("rtt.url", r.Url, "ws", "wss"),
                r.Http is null ? null : v.Http("rtt.http", r.Http, bodyDefault: "{event}"),
                v.Headers("rtt.headers", r.Headers));
        }

        return new TargetFile(path, name, transport, publish ?? ServerSourceSpec.NoPublish(subscribe), subscribe, envelope, rtt,
            model.Process?.Pid)
        {
            ServerSource = server,
            Text = text,
            SecretValues = [.. v.SecretValues.Distinct()],
            Thresholds = ReadThresholds(v, name, model.Thresholds ?? []),
        };
    }

    /// <summary>
    /// With <c>source: server</c>, where each message's sequence and timestamp are; null (the default) when Bench publishes.
    /// </summary>
    public ServerSourceSpec? ServerSource { get; init; }

    /// <summary>The file's thresholds, each held to this target's cases alone (stored as <c>name: expression</c>).</summary>
    public IReadOnlyList<Bench.Reports.Thresholds.Threshold> Thresholds { get; init; } = [];

    private static List<Bench.Reports.Thresholds.Threshold> ReadThresholds(TargetFileFields v, string name, List<string> given)
    {
        var scenarios = Scenarios.ScenarioCatalog.All.Select(s => s.Name).ToList();
        var thresholds = new List<Bench.Reports.Thresholds.Threshold>();
        for (var i = 0; i < given.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(given[i]))
            {
                throw v.Fail($"thresholds[{i}]", "empty; write an expression such as 'push.p99 < 50ms'");
            }

            try
            {
                thresholds.Add(Bench.Reports.Thresholds.Threshold.Parse($"{name}: {given[i]}", scenarios));
            }
            catch (FormatException e)
            {
                throw v.Fail($"thresholds[{i}]", e.Message.Replace($"'{name}: ", "'", StringComparison.Ordinal));
            }
        }

        return thresholds;
    }

    [GeneratedRegex(@"Property '([^']+)' not found on type")]
    private static partial Regex UnknownField();
}

/// <summary>An HTTP request with placeholders.</summary>
public sealed record HttpTemplate(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>How a subscriber connects (or, for webhooks, how Bench's receiver is registered and verifies).</summary>
public sealed record SubscribeSpec(
    string? Url, IReadOnlyDictionary<string, string> Headers, string? Message, string? Method, IReadOnlyList<string> Args, string? Event,
    HttpTemplate? Register, string? Receiver, string? Secret)
{
    /// <summary>gRPC: the request's fields, by field number, in the order written (templates, filled per subscriber).</summary>
    public IReadOnlyList<KeyValuePair<int, string>> RequestFields { get; init; } = [];

    /// <summary>Webhook: the address Bench's receivers listen on (<c>subscribe.listen</c>); null: loopback.</summary>
    public string? Listen { get; init; }

    /// <summary>
    /// Webhook: <c>subscribe.listen</c> as written when it reads the environment (<c>${env:NAME}</c>), so each agent
    /// listens on an address of its own; null when the file names the address.
    /// </summary>
    public string? ListenReference { get; init; }

    /// <summary>gRPC: the response message's field that holds the event; null for other transports.</summary>
    public int? MessageField { get; init; }
}

/// <summary>The rtt endpoint: a WebSocket echo URL, or an HTTP request.</summary>
public sealed record RttSpec(string? Url, HttpTemplate? Http, IReadOnlyDictionary<string, string> Headers);
