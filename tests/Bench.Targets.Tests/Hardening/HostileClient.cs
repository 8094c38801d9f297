using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Bench.Targets.Events;
using Bench.Targets.Hosting;

namespace Bench.Targets.Tests.Hardening;

/// <summary>What the hostile-client tests share: raw sockets, a publisher, authorised control calls, all on loopback.</summary>
internal static class HostileClient
{
    public const string Token = "t";

    public static HttpClient Http()
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    public static async Task<T> StatsAsync<T>(RunningTarget target, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        using var http = Http();
        using var response = await http.GetAsync(target.Url + "/stats");
        response.EnsureSuccessStatusCode();
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync(response.Content, type))!;
    }

    public static async Task<Socket> ConnectAsync(RunningTarget target)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, new Uri(target.Url).Port);
        return socket;
    }

    /// <summary>True when the peer closes (or resets) the connection within <paramref name="within"/>.</summary>
    public static async Task<bool> ClosedWithinAsync(Socket socket, TimeSpan within)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static Uri Ws(RunningTarget target, string pathAndQuery) => new("ws" + target.Url[4..] + pathAndQuery);

    public static async Task<ClientWebSocket> OpenAsync(RunningTarget target, string pathAndQuery)
    {
        var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", "Bearer " + Token);
        ws.Options.CollectHttpResponseDetails = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(Ws(target, pathAndQuery), cts.Token);
        return ws;
    }

    /// <summary>The HTTP status a WebSocket upgrade was refused with.</summary>
    public static async Task<HttpStatusCode> RefusedUpgradeAsync(RunningTarget target, string pathAndQuery)
    {
        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", "Bearer " + Token);
        ws.Options.CollectHttpResponseDetails = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(Ws(target, pathAndQuery), cts.Token));
        return ws.HttpStatusCode;
    }

    /// <summary>
    /// Publishes <paramref name="count"/> events of
    /// <paramref name="payloadBytes"/> on <c>/publish</c>, waiting for each ack.
    /// </summary>
    public static async Task PublishAsync(RunningTarget target, int count, int payloadBytes)
    {
        using var ws = await OpenAsync(target, "/publish");
        var frame = new byte[PublishedEvent.HeaderBytes + payloadBytes];
        var payload = new byte[payloadBytes];
        Array.Fill(payload, (byte)'x');
        var ack = new byte[8];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var i = 1; i <= count; i++)
        {
            var length = PublishedEvent.WriteFrame(frame, i, System.Diagnostics.Stopwatch.GetTimestamp(), payload);
            await ws.SendAsync(frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cts.Token);
            await ws.ReceiveAsync(ack.AsMemory(), cts.Token);
        }

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
    }

    /// <summary>Reads until the server's close frame arrives; returns its status (null if the connection just ended).</summary>
    public static async Task<WebSocketCloseStatus?> CloseStatusAsync(ClientWebSocket ws, TimeSpan within)
    {
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var result = await ws.ReceiveAsync(buffer.AsMemory(), cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return ws.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
    }
}
