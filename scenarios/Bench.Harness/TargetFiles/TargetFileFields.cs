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

    public EnvelopePath Envelope(string path) =>
        EnvelopePath.TryParse(path, out var parsed)
            ? parsed
            : throw Fail("envelope.json", $"'{path}' is not a path such as $ or $.data or $.message.body");

    /// <summary>
    /// Replaces <c>${env:NAME}</c> with the variable's value; an unset variable is an error naming the field (never the value).
    /// </summary>
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
