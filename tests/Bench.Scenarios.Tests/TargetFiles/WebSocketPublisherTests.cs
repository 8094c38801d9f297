using System.Net.WebSockets;
using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles.Publishers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>
/// <c>publish.websocket</c> keeps one connection: when the system drops it, Bench makes it again, refuses (never
/// loses) what it could not send meanwhile, and says so.
/// </summary>
public sealed class WebSocketPublisherTests : IAsyncLifetime
{
    private readonly List<string> received = [];
    private WebApplication? server;
    private int connections;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        server = builder.Build();
        server.UseWebSockets();

        // A publish endpoint that drops its first connection after the first message, as a restarting pod would.
        server.Map("/publisher", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var first = Interlocked.Increment(ref connections) == 1;
            var buffer = new byte[4096];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                lock (received)
                {
                    received.Add(System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
                }

                if (first)
                {
                    socket.Abort();
                    return;
                }
            }
        });
        await server.StartAsync();
    }

    public async Task DisposeAsync() => await server!.DisposeAsync();

    [Fact]
    public async Task A_dropped_publishing_connection_is_made_again_and_the_result_says_so()
    {
        var url = server!.Urls.First().Replace("http", "ws", StringComparison.Ordinal) + "/publisher";
        var spec = new WebSocketPublish(url, new Dictionary<string, string>(), "{\"n\":{seq}}");
        var setup = new PublishSetup("s", new Payloads(16), TimeProvider.System, ["127.0.0.1"], null);
        await using var publisher = await spec.ConnectAsync(setup, CancellationToken.None);

        await publisher.PublishAsync(1, 0, CancellationToken.None);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (publisher.Warning is null && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        var refused = 0;
        var number = 1L;
        while (publisher.AcceptedCount < 2 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                await publisher.PublishAsync(++number, 0, CancellationToken.None);
            }
            catch (IterationFailedException e) when (e.Kind == "connection_lost")
            {
                refused++;
                await Task.Delay(20);
            }
        }

        Assert.Equal((2L, (long)refused), (publisher.AcceptedCount, publisher.Rejected));
        Assert.Equal(2, Volatile.Read(ref connections));
        Assert.Equal("publish.websocket: the publishing connection was lost 1 time(s), made again 1; "
            + "publishes while it was down were refused (publish_connection_lost), not counted as lost", publisher.Warning?.Text);
        await Task.Delay(100);
        lock (received)
        {
            Assert.Equal(["{\"n\":1}", $"{{\"n\":{number}}}"], received);
        }
    }
}
