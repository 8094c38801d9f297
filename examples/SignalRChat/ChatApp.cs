using Microsoft.AspNetCore.SignalR;

namespace SignalRChat;

/// <summary>
/// Rooms of a chat: a client joins a room, and receives <c>ReceiveMessage(user, message)</c> for each message posted to
/// it.
/// </summary>
public sealed class ChatHub : Hub
{
    public Task JoinRoom(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    public Task SendMessage(string room, string user, string message) => Clients.Group(room).SendAsync("ReceiveMessage", user, message);
}

/// <summary>A message posted over HTTP: <c>POST /rooms/{room}/messages</c>.</summary>
public sealed record ChatMessage(string User, string Message);

/// <summary>The chat server: the hub at <c>/chat</c>, and an HTTP endpoint that posts a message to a room.</summary>
public static class ChatApp
{
    public static WebApplication Create(string url)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<ChatHub>("/chat");
        app.MapPost("/rooms/{room}/messages", async (string room, ChatMessage message, IHubContext<ChatHub> hub) =>
        {
            await hub.Clients.Group(room).SendAsync("ReceiveMessage", message.User, message.Message);
            return Results.Accepted();
        });
        return app;
    }
}
