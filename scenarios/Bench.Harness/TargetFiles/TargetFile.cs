using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bench.Harness.TargetFiles;

/// <summary>A target file that failed to load or validate: one line naming the file and the field at fault (exit 2).</summary>
public sealed class TargetFileException(string message) : Exception(message);

/// <summary>
/// A system Bench did not write, described by a target file and validated: how to make it publish, how a subscriber
/// connects, where Bench's envelope is in what arrives, an optional rtt endpoint and process id. Secrets are read from
/// environment variables (<c>${env:NAME}</c>) when the file loads; they are never printed or written to results.
/// </summary>
public sealed partial record TargetFile(
    string Path, string Name, TargetKind Transport, HttpTemplate Publish, SubscribeSpec Subscribe, EnvelopePath Envelope, RttSpec? Rtt, int? Pid)
{
    public static readonly IReadOnlyList<string> Transports = ["websocket", "sse", "signalr", "webhook"];

    /// <summary>
    /// The values the file's <c>${env:NAME}</c> references took: never printed, masked wherever a URL is
    /// (<see cref="Clients.UrlText"/>). The default is none.
    /// </summary>
    public IReadOnlyList<string> SecretValues { get; init; } = [];

    /// <summary>Every host the file names: the only hosts Bench sends anything to for this target.</summary>
    public IReadOnlyList<string> Hosts =>
        [.. new[] { Publish.Url, Subscribe.Url, Subscribe.Register?.Url, Subscribe.Receiver, Rtt?.Url, Rtt?.Http?.Url }
            .Where(u => u is not null).Select(u => new Uri(TemplateText.Fill(u!, TemplateValues.Sample)).Host).Distinct(StringComparer.OrdinalIgnoreCase)];

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
        try
        {
            var text = Bench.Reports.Json.BoundedFile.ReadAllText(path, MaxBytes);
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

        var v = new Validator(path);
        var transport = Enum.Parse<TargetKind>(v.OneOf("transport", model.Transport, Transports), ignoreCase: true);
        var name = model.Name is { Length: > 0 } n ? v.Name("name", n) : System.IO.Path.GetFileNameWithoutExtension(path);
        var publish = v.Http("publish.http", model.Publish?.Http, bodyDefault: "{event}");
        var subscribe = v.Subscribe(transport, model.Subscribe);
        var envelope = v.Envelope(model.Envelope?.Json ?? "$");
        RttSpec? rtt = null;
        if (model.Rtt is { } r)
        {
            if (r.Url is null == r.Http is null)
            {
                throw v.Fail("rtt", "give either url (a WebSocket echo) or http (a request whose answer ends the round trip)");
            }

            rtt = new RttSpec(r.Url is null ? null : v.Url("rtt.url", r.Url, "ws", "wss"), r.Http is null ? null : v.Http("rtt.http", r.Http, bodyDefault: "{event}"), v.Headers("rtt.headers", r.Headers));
        }

        return new TargetFile(path, name, transport, publish, subscribe, envelope, rtt, model.Process?.Pid)
        {
            SecretValues = [.. v.SecretValues.Distinct()],
        };
    }

    [GeneratedRegex(@"Property '([^']+)' not found on type")]
    private static partial Regex UnknownField();

    /// <summary>Checks fields one at a time; each failure names its field.</summary>
    private sealed partial class Validator(string path)
    {
        /// <summary>The values substituted for <c>${env:NAME}</c> so far.</summary>
        public List<string> SecretValues { get; } = [];

        public TargetFileException Fail(string field, string problem) => new($"{path}: {field}: {problem}");

        public string OneOf(string field, string? value, IReadOnlyList<string> allowed) =>
            value is null ? throw Fail(field, $"required; one of {string.Join(", ", allowed)}")
            : allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase)) ?? throw Fail(field, $"'{value}' is not one of {string.Join(", ", allowed)}");

        public string Name(string field, string value) =>
            NamePattern().IsMatch(value) ? value : throw Fail(field, "letters, digits, '-', '_' and '.' only, at most 40");

        public string Url(string field, string? value, params string[] schemes)
        {
            if (value is null)
            {
                throw Fail(field, "required");
            }

            var filled = Secrets(field, value);
            if (!Uri.TryCreate(TemplateText.Fill(filled, TemplateValues.Sample), UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme))
            {
                throw Fail(field, $"'{value}' is not an absolute {string.Join(" or ", schemes)} URL");
            }

            return filled;
        }

        public Dictionary<string, string> Headers(string field, Dictionary<string, string>? headers) =>
            (headers ?? []).ToDictionary(h => h.Key, h => Secrets($"{field}.{h.Key}", h.Value), StringComparer.OrdinalIgnoreCase);

        public HttpTemplate Http(string field, HttpRequestModel? http, string? bodyDefault)
        {
            if (http is null)
            {
                throw Fail(field, "required: method, url, headers and body of the request");
            }

            var method = (http.Method ?? "POST").ToUpperInvariant();
            if (method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
            {
                throw Fail(field + ".method", $"'{http.Method}' is not GET, POST, PUT, PATCH or DELETE");
            }

            return new HttpTemplate(method, Url(field + ".url", http.Url, "http", "https"), Headers(field + ".headers", http.Headers),
                http.Body is null ? (method == "GET" ? null : bodyDefault) : Secrets(field + ".body", http.Body));
        }

        public SubscribeSpec Subscribe(TargetKind transport, SubscribeModel? s)
        {
            if (s is null)
            {
                throw Fail("subscribe", "required: how a subscriber connects (url), or for webhooks how Bench's receiver is registered (register or receiver)");
            }

            var headers = Headers("subscribe.headers", s.Headers);
            switch (transport)
            {
                case TargetKind.WebSocket:
                    return new SubscribeSpec(Url("subscribe.url", s.Url, "ws", "wss"), headers, s.Message, null, [], null, null, null, null);
                case TargetKind.Sse:
                    return new SubscribeSpec(Url("subscribe.url", s.Url, "http", "https"), headers, null, null, [], null, null, null, null);
                case TargetKind.SignalR:
                    if (s.Event is null)
                    {
                        throw Fail("subscribe.event", "required: the client method events arrive on (as in connection.On(\"ReceiveMessage\", …))");
                    }

                    return new SubscribeSpec(Url("subscribe.url", s.Url, "http", "https"), headers, null, s.Method, s.Args ?? [], s.Event, null, null, null);
                default:
                    if (s.Register is null == s.Receiver is null)
                    {
                        throw Fail("subscribe", "webhooks: give either register (a request that registers {receiver} with your sender) or receiver (the URL your sender already delivers to)");
                    }

                    var signing = OneOf("subscribe.signing", s.Signing ?? "standard-webhooks", ["standard-webhooks", "none"]);
                    var secret = signing == "none" ? null : s.Secret is null ? throw Fail("subscribe.secret", "required to verify standard-webhooks signatures: ${env:NAME}") : Secrets("subscribe.secret", s.Secret);
                    if (secret is not null && !secret.StartsWith("whsec_", StringComparison.Ordinal))
                    {
                        throw Fail("subscribe.secret", "a Standard Webhooks secret starts with whsec_");
                    }

                    var receiver = s.Receiver is null ? null : Url("subscribe.receiver", s.Receiver, "http");
                    if (receiver is not null && !(System.Net.IPAddress.TryParse(new Uri(receiver).Host, out var ip) && System.Net.IPAddress.IsLoopback(ip)))
                    {
                        throw Fail("subscribe.receiver", "Bench's receiver listens on a loopback address given as an IP (http://127.0.0.1:PORT/...)");
                    }

                    return new SubscribeSpec(null, headers, null, null, [], null, s.Register is null ? null : Http("subscribe.register.http", s.Register.Http, bodyDefault: null), receiver, secret);
            }
        }

        public EnvelopePath Envelope(string path) =>
            EnvelopePath.TryParse(path, out var parsed) ? parsed : throw Fail("envelope.json", $"'{path}' is not a path such as $ or $.data or $.message.body");

        /// <summary>Replaces <c>${env:NAME}</c> with the variable's value; an unset variable is an error naming the field (never the value).</summary>
        public string Secrets(string field, string text) => EnvPattern().Replace(text, m =>
            Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } value
                ? Kept(value)
                : throw Fail(field, $"environment variable {m.Groups[1].Value} is not set"));

        private string Kept(string secret)
        {
            SecretValues.Add(secret);
            return secret;
        }

        [GeneratedRegex(@"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")]
        private static partial Regex EnvPattern();

        [GeneratedRegex(@"^[A-Za-z0-9._-]{1,40}$")]
        private static partial Regex NamePattern();
    }
}

/// <summary>How a target file's system delivers events to subscribers: its <c>transport</c> field.</summary>
public enum TargetKind
{
    WebSocket,
    Sse,
    SignalR,
    Webhook,
}

/// <summary>An HTTP request with placeholders.</summary>
public sealed record HttpTemplate(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>How a subscriber connects (or, for webhooks, how Bench's receiver is registered and verifies).</summary>
public sealed record SubscribeSpec(
    string? Url, IReadOnlyDictionary<string, string> Headers, string? Message, string? Method, IReadOnlyList<string> Args, string? Event,
    HttpTemplate? Register, string? Receiver, string? Secret);

/// <summary>The rtt endpoint: a WebSocket echo URL, or an HTTP request.</summary>
public sealed record RttSpec(string? Url, HttpTemplate? Http, IReadOnlyDictionary<string, string> Headers);
