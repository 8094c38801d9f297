using System.Text.RegularExpressions;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// Reads a target file's fields one at a time; each failure names its field (<c>subscribe.url: required</c>). A
/// transport's <see cref="ITargetFileBinding"/> reads its <c>subscribe</c> section with it.
/// </summary>
public sealed partial class TargetFileFields(string path)
{
    /// <summary>The values substituted for <c>${env:NAME}</c> so far.</summary>
    public List<string> SecretValues { get; } = [];

    public TargetFileException Fail(string field, string problem) => new($"{path}: {field}: {problem}");

    public string OneOf(string field, string? value, IReadOnlyList<string> allowed) =>
        value is null ? throw Fail(field, $"required; one of {string.Join(", ", allowed)}")
        : allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Fail(field, $"'{value}' is not one of {string.Join(", ", allowed)}");

    public string Name(string field, string value) =>
        NamePattern().IsMatch(value) ? value : throw Fail(field, "letters, digits, '-', '_' and '.' only, at most 40");

    public string Url(string field, string? value, params string[] schemes)
    {
        if (value is null)
        {
            throw Fail(field, "required");
        }

        var filled = Secrets(field, value);
        if (!Uri.TryCreate(TemplateText.Fill(filled, TemplateValues.Sample), UriKind.Absolute, out var uri)
            || !schemes.Contains(uri.Scheme))
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

    /// <summary>
    /// The <c>envelope</c> section: <c>json</c> (the envelope whole; the default is <c>$</c>), or a mapping of Bench's
    /// values to the system's own fields (<c>seq</c> and <c>ts</c>, optionally <c>id</c>), never both.
    /// </summary>
    public EnvelopePath Envelope(EnvelopeModel? section)
    {
        if (section is null || section is { Id: null, Seq: null, Ts: null })
        {
            return Path("envelope.json", section?.Json ?? "$", "$ or $.data or $.message.body");
        }

        if (section.Json is not null)
        {
            throw Fail("envelope",
                "give either json (where Bench's envelope is) or id, seq and ts (where the system carries its values), not both");
        }

        var seq = Path("envelope.seq", section.Seq ?? throw Fail("envelope.seq", "required: where each message carries the event's seq"),
            "$.n");
        var ts = Path("envelope.ts", section.Ts ?? throw Fail("envelope.ts", "required: where each message carries the event's ts"),
            "$.sentAt");
        var id = section.Id is null ? null : Path("envelope.id", section.Id, "$.msgId");
        var mapping = new EnvelopeMapping(id, seq, ts);
        return new EnvelopePath([], mapping.Text) { Mapping = mapping };
    }

    private EnvelopePath Path(string field, string path, string examples) =>
        EnvelopePath.TryParse(path, out var parsed) ? parsed : throw Fail(field, $"'{path}' is not a path such as {examples}");

    /// <summary>
    /// Replaces <c>${env:NAME}</c> with the variable's value; an unset variable is an error naming the field (never the value).
    /// </summary>
    public string Secrets(string field, string text) => EnvPattern().Replace(text, m =>
        System.Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } value
            ? Kept(value)
            : throw Fail(field, $"environment variable {m.Groups[1].Value} is not set"));

    /// <summary>
    /// Replaces <c>${env:NAME}</c> with the variable's value, which is no secret (an address each host gives in its own
    /// environment): not kept among <see cref="SecretValues"/>, so never masked. An unset variable is an error naming the field.
    /// </summary>
    public string Environment(string field, string text) => EnvPattern().Replace(text, m =>
        System.Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } value
            ? value
            : throw Fail(field, $"environment variable {m.Groups[1].Value} is not set"));

    /// <summary>Whether <paramref name="text"/> holds a <c>${env:NAME}</c> reference.</summary>
    public static bool ReadsEnvironment(string text) => EnvPattern().IsMatch(text);

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
