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
        app.MapPost("/subscriptions", Subscribe);
        app.MapGet("/stats", (WebhookDispatcher d) => Results.Json(d.Stats(), TargetsJson.Default.DispatcherStats));
        return app;
    }

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

        await PublishEndpoint.HandleAsync(context, dispatcher, options.Value.MaxEventBytes).ConfigureAwait(false);
    }

    private static IResult Subscribe(HttpContext context, SubscriptionRequest request, IOptions<DispatcherOptions> options, WebhookDispatcher dispatcher)
    {
        if (AccessGate.Check(context.Request, options.Value.Token, []) is { } status)
        {
            return Results.StatusCode(status);
        }

        return dispatcher.TryRegister(request, out var problem)
            ? Results.Created()
            : Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
    }
}
