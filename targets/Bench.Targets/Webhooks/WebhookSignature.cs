using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bench.Targets.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)&gt;</c>,
/// the key being the base64 part of a <c>whsec_</c> secret. Several space-separated signatures may be sent.
/// </summary>
public sealed class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    private const string SecretPrefix = "whsec_";

    private readonly byte[] key;

    public WebhookSignature(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("a webhook secret is 'whsec_' followed by base64", nameof(secret), e);
        }
    }

    /// <summary>The key sizes Standard Webhooks allows, in bytes.</summary>
    public const int MinKeyBytes = 24, MaxKeyBytes = 64;

    /// <summary>
    /// Why <paramref name="secret"/> is not a Standard Webhooks secret
    /// (<c>whsec_</c>, then base64 of a 24- to 64-byte key), or null.
    /// </summary>
    public static string? Problem(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return "a webhook secret starts with whsec_";
        }

        var encoded = secret[SecretPrefix.Length..];
        Span<byte> key = stackalloc byte[MaxKeyBytes + 3];
        if (encoded.Length > (MaxKeyBytes + 3) / 3 * 4 || !Convert.TryFromBase64String(encoded, key, out var written))
        {
            return $"a webhook secret is whsec_ followed by the base64 of a {MinKeyBytes}- to {MaxKeyBytes}-byte key";
        }

        return written is < MinKeyBytes or > MaxKeyBytes
            ? $"a webhook secret's key is {MinKeyBytes} to {MaxKeyBytes} bytes; this one has {written}"
            : null;
    }

    /// <summary>A new random secret (24 bytes), in <c>whsec_</c> form.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>The <c>webhook-signature</c> header value for a delivery.</summary>
    public string Sign(string id, long timestampSeconds, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        Compute(id, timestampSeconds, body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>True when one of the header's <c>v1</c> signatures matches, compared in constant time.</summary>
    public bool Verify(string id, long timestampSeconds, ReadOnlySpan<byte> body, string signatureHeader)
    {
        Span<byte> expected = stackalloc byte[32];
        Compute(id, timestampSeconds, body, expected);
        Span<byte> candidate = stackalloc byte[32];
        var matched = false;
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            if (Convert.TryFromBase64String(part[3..], candidate, out var written) && written == 32)
            {
                // Every candidate is compared, so the time taken does not tell which one matched.
                matched |= CryptographicOperations.FixedTimeEquals(candidate, expected);
            }
        }

        return matched;
    }

    private void Compute(string id, long timestampSeconds, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        var prefix = Encoding.UTF8.GetBytes(id + "." + timestampSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        hmac.GetHashAndReset(mac);
    }
}
