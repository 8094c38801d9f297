using System.Globalization;
using Bench.Targets.Webhooks;

namespace Bench.Targets.Receiver;

/// <summary>Checks a delivery's Standard Webhooks headers, timestamp tolerance and signature.</summary>
public sealed class WebhookVerifier(string secret, TimeSpan tolerance, TimeProvider clock)
{
    private readonly WebhookSignature signature = new(secret);

    public Verdict Verify(string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return Verdict.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return Verdict.MissingHeaders;
        }

        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if (age.Duration() > tolerance)
        {
            return Verdict.StaleTimestamp;
        }

        return signature.Verify(id, seconds, body, signatureHeader) ? Verdict.Valid : Verdict.BadSignature;
    }
}

/// <summary>What the verifier made of a delivery.</summary>
public enum Verdict
{
    Valid,
    MissingHeaders,
    StaleTimestamp,
    BadSignature,
}
