using System.Buffers.Binary;
using System.Net.WebSockets;
using Bench.Sdk;
using Bench.Targets.Events;

namespace CustomScenario;

/// <summary>
/// A chat room on Bench's reference hub: every user joins (a WebSocket subscription of their own), and each step is one
/// user posting a message, which the hub fans out to everyone in the room. Every post is accounted for at every user.
/// </summary>
internal sealed class ChatRoom(Uri hub, string token, int users) : IAsyncDisposable
{
    private readonly List<ClientWebSocket> members = [];
    private readonly List<Task> readers = [];
    private readonly SemaphoreSlim postGate = new(1, 1);
    private readonly CancellationTokenSource leaving = new();
    private ClientWebSocket? poster;

    /// <summary>Users join, each on a stream of their own; then one connection is opened for posting.</summary>
    public async Task JoinAsync(PushSubscribers? room, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(room);
        for (var user = 0; user < users; user++)
        {
            var socket = await ConnectAsync($"/ws/subscribe?stream=user-{user}", ct);
            members.Add(socket);
            var who = user;
            readers.Add(Task.Run(() => ListenAsync(socket, who, room, leaving.Token), CancellationToken.None));
        }

        poster = await ConnectAsync("/publish", ct);
    }

    /// <summary>One post: a publish frame (the step's number and intended time, then the text), acknowledged by the hub.</summary>
    public async Task PostAsync(StepContext step)
    {
        var text = System.Text.Encoding.UTF8.GetBytes($"user {step.Number % users} says hello #{step.Number}");
        var frame = new byte[PublishedEvent.HeaderBytes + text.Length];
        PublishedEvent.WriteFrame(frame, step.Number, step.IntendedTimestamp, text);
        var ack = new byte[8];
        await postGate.WaitAsync(step.CancellationToken);
        try
        {
            await poster!.SendAsync(frame, WebSocketMessageType.Binary, true, step.CancellationToken);
            var result = await poster.ReceiveAsync(ack.AsMemory(), step.CancellationToken);
            if (result.Count != 8 || BinaryPrimitives.ReadInt64LittleEndian(ack) != step.Number)
            {
                throw new StepFailedException("post_not_acknowledged");
            }
        }
        finally
        {
            postGate.Release();
        }
    }

    private async Task ListenAsync(ClientWebSocket socket, int user, PushSubscribers room, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var arrival = TimeProvider.System.GetTimestamp();
                var envelope = EventEnvelope.Read(buffer.AsSpan(0, length));
                room.Delivered(user, long.Parse(envelope.Id.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture), arrival);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The user left the room.
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(string path, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await socket.ConnectAsync(new Uri(hub, path), ct);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await leaving.CancelAsync();
        foreach (var socket in members.Append(poster).OfType<ClientWebSocket>())
        {
            socket.Abort();
            socket.Dispose();
        }

        await Task.WhenAll(readers);
        postGate.Dispose();
        leaving.Dispose();
    }
}
