namespace Bench.Harness.Clients;

/// <summary>
/// How a URL is written in a message or an error line: scheme, host, port and path only. User info, query and
/// fragment are dropped (they are where credentials travel), and any known secret value is masked where it still shows
/// (a path segment that holds one). Every message that names a URL writes it through this class.
/// </summary>
public static class UrlText
{
    /// <summary>What a secret value is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>The URL as a message may show it; "the URL" when it does not parse (its text may hold anything).</summary>
    public static string ForMessage(string? url, IEnumerable<string>? secrets = null) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? ForMessage(uri, secrets) : "the URL";

    /// <summary>The URL as a message may show it.</summary>
    public static string ForMessage(Uri uri, IEnumerable<string>? secrets = null)
    {
        if (!uri.IsAbsoluteUri)
        {
            return "the URL";
        }

        // Authority is host and port, without user info; AbsolutePath has neither query nor fragment.
        return Masked($"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}", secrets);
    }

    /// <summary><paramref name="text"/> with every secret value (as is, or percent-encoded) replaced by <see cref="Mask"/>.</summary>
    public static string Masked(string text, IEnumerable<string>? secrets)
    {
        foreach (var secret in secrets ?? [])
        {
            if (secret.Length == 0)
            {
                continue;
            }

            text = text.Replace(secret, Mask, StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(secret), Mask, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }
}
