using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace TickerFeed;

/// <summary>
/// A price feed that publishes on its own: each subscriber gets its own stream of ticks
/// <c>{"seq":n,"ts":unixMs,"symbol":"BNCH","price":100.25}</c>, numbered from 1, at a fixed rate, over a WebSocket
/// (<c>/ws/ticks</c>) or Server-Sent Events (<c>/sse/ticks</c>). Nobody publishes to it: the clock does. The query string
/// is read by <see cref="TickOptions"/>.
/// </summary>
public static class TickerApp
{
    public static WebApplication Create(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.UseWebSockets();

        app.Map("/ws/ticks", async context =>
        {
            var options = TickOptions.Parse(context.Request.Query, out var error);
            if (!context.WebSockets.IsWebSocketRequest || options is null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync(error ?? "a WebSocket request is expected");
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var feed = RunFeedAsync(options, (tick, ct) => socket.SendAsync(tick, WebSocketMessageType.Text, true, ct), stop.Token);
            await Task.WhenAny(feed, WatchCloseAsync(socket, stop.Token));
            await stop.CancelAsync();
            await feed;
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                }
                catch (WebSocketException)
                {
                    // The subscriber is already gone: there is nobody to say goodbye to.
                }
            }
        });

        app.MapGet("/sse/ticks", async context =>
        {
            if (TickOptions.Parse(context.Request.Query, out var error) is not { } options)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync(error!);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await RunFeedAsync(options, async (tick, ct) =>
            {
                await context.Response.Body.WriteAsync("data: "u8.ToArray(), ct);
                await context.Response.Body.WriteAsync(tick, ct);
                await context.Response.Body.WriteAsync("\n\n"u8.ToArray(), ct);
                await context.Response.Body.FlushAsync(ct);
            }, context.RequestAborted);
        });

        return app;
    }

    /// <summary>
    /// Sends every tick that is due, from the time the feed started: a late timer sends the ticks it owes at once, so the
    /// sequence keeps the rate over the connection's life.
    /// </summary>
    private static async Task RunFeedAsync(TickOptions options, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var price = 100.0;
        // Seeded by the symbol (string hashes differ between processes): the same symbol walks the same way every run.
        var random = new Random(options.Symbol.Aggregate(17, (hash, c) => unchecked((hash * 31) + c)));
        long seq = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1, 1000 / options.Rate)));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * options.Rate);
                while (seq < due)
                {
                    seq++;
                    price = Math.Round(Math.Max(1, price + (random.NextDouble() - 0.5) / 10), 2);
                    var tick = Tick(seq, options.Symbol, price);
                    for (var copy = 0; copy < options.Copies(seq); copy++)
                    {
                        await send(tick, ct);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The subscriber went away: its feed ends with it.
        }
    }

    private static byte[] Tick(long seq, string symbol, double price)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", seq);
            // A feed stamps its own wall clock, as real ones do; Bench reads it as unix-ms and states the clock it mixes.
            json.WriteNumber("ts", TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteString("symbol", symbol);
            json.WriteNumber("price", price);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads until the subscriber closes: a feed is one-way, anything else it sends is ignored.</summary>
    private static async Task WatchCloseAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Gone without a close: the feed stops all the same.
        }
    }
}
