using Bench.Targets.Publishing;
using Bench.Targets.Webhooks;

namespace Bench.Targets.Dispatcher;

/// <summary>What an endpoint must be, checked at registration and again when the outbox is read back at start-up.</summary>
public static class EndpointRules
{
    /// <summary>The longest URL accepted.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Why <paramref name="record"/> may not be an endpoint, naming the field, or null when it may.</summary>
    public static string? Problem(EndpointRecord record, bool allowNonLoopback)
    {
        if (StreamNames.Problem(record.Stream) is { } stream)
        {
            return stream;
        }

        if (record.Url.Length > MaxUrlLength)
        {
            return $"url must be at most {MaxUrlLength} characters";
        }

        if (!Uri.TryCreate(record.Url, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return "url must be an absolute http(s) URL";
        }

        if (url.UserInfo.Length > 0)
        {
            return "url must not carry a user name or password";
        }

        if (!allowNonLoopback && !WebhookDispatcher.IsLoopback(url))
        {
            return "url: only loopback endpoints (127.0.0.0/8, ::1, localhost) may be registered";
        }

        return WebhookSignature.Problem(record.Secret) is { } secret ? "secret: " + secret : null;
    }
}
