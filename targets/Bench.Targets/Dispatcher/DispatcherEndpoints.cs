using System.Text.Json;
using Bench.Targets.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Dispatcher;

/// <summary>The dispatcher's routes: <c>/publish</c>, <c>POST /subscriptions</c> and <c>/stats</c>.</summary>
public static class DispatcherEndpoints
{
    public static IServiceCollection AddDispatcher(this IServiceCollection services, Action<DispatcherOptions>? configure = null)
    {
        services.AddOptions<DispatcherOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WebhookDispatcher>();
        return services;
    }

    public static IEndpointRouteBuilder MapDispatcher(this IEndpointRouteBuilder app)
    {
        app.Map(PublishEndpoint.Path, PublishAsync);
        app.MapPost("/subscriptions", SubscribeAsync);
        app.MapGet("/stats", (WebhookDispatcher d) => Results.Json(d.Stats(), TargetsJson.Default.DispatcherStats)).RequireToken(Token);
        return app;
    }

    /// <summary>The dispatcher's bearer token, or null when it has none.</summary>
    internal static string? Token(IServiceProvider services) => services.GetRequiredService<IOptions<DispatcherOptions>>().Value.Token;

    private static async Task PublishAsync(HttpContext context, IOptions<DispatcherOptions> options, WebhookDispatcher dispatcher)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (AccessGate.Check(context.Request, options.Value.Token, []) is { } status)
        {
            context.Response.StatusCode = status;
            return;
        }

        await PublishEndpoint.HandleAsync(context, dispatcher, options.Value.MaxEventBytes, dispatcher.Publishers).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /subscriptions</c>: the token is checked before the body is read; the body (at most 64 KiB) is JSON
    /// <c>{"url", "secret", "stream"}</c>. 201 registered; 400 not JSON or a field not valid (the problem names it);
    /// 401 no or wrong token; 413 body too large; 429 the endpoint limit reached.
    /// </summary>
    private static async Task<IResult> SubscribeAsync(
        HttpContext context, IOptions<DispatcherOptions> options, WebhookDispatcher dispatcher)
    {
        if (AccessGate.Check(context.Request, options.Value.Token, []) is { } status)
        {
            return Results.StatusCode(status);
        }

        SubscriptionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(
                context.Request.Body, TargetsJson.Default.SubscriptionRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Results.Problem(
                "the body must be JSON: {\"url\": ..., \"secret\": \"whsec_...\", \"stream\": ...}",
                statusCode: StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException e)
        {
            return Results.Problem(
                e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "the body is too large" : e.Message, statusCode: e.StatusCode);
        }

        if (request is null)
        {
            return Results.Problem("the body must be a JSON object", statusCode: StatusCodes.Status400BadRequest);
        }

        return dispatcher.TryRegister(request, out var problem, out var refusal)
            ? Results.Created()
            : Results.Problem(problem, statusCode: refusal);
    }
}
