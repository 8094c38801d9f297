using Microsoft.AspNetCore.Builder;
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

    /// <summary>
    /// Requires the role's bearer token (when it has one) on a control route such as <c>/stats</c> or <c>/memory</c>:
    /// 401 before the handler runs or any body is read.
    /// </summary>
    public static TBuilder RequireToken<TBuilder>(this TBuilder builder, Func<IServiceProvider, string?> token)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            return Check(http.Request, token(http.RequestServices), []) is { } status
                ? Results.StatusCode(status)
                : await next(context).ConfigureAwait(false);
        });

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
}
