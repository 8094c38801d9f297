using Microsoft.AspNetCore.Http;

namespace Bench.Targets.Publishing;

/// <summary>Checks a request's bearer token and Origin before a WebSocket upgrade or a control call.</summary>
public static class AccessGate
{
    /// <summary>The status code to refuse with (401 no or wrong token, 403 foreign Origin), or null to let it through.</summary>
    public static int? Check(HttpRequest request, string? token, IReadOnlyCollection<string> allowedOrigins)
    {
        if (token is not null)
        {
            var header = request.Headers.Authorization.ToString();
            var expected = "Bearer " + token;
            if (!FixedTimeEquals(header, expected))
            {
                return StatusCodes.Status401Unauthorized;
            }
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && allowedOrigins.Count > 0 && !allowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            return StatusCodes.Status403Forbidden;
        }

        return null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
}
