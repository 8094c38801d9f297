using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles.Publishers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>
/// <c>publish.signalr</c> keeps one hub connection: a hub method that throws refuses that publish, and a connection the
/// hub drops is made again by SignalR's automatic reconnect, which the result says.
/// </summary>
public sealed class SignalRPublisherTests : IAsyncLifetime
{
    private WebApplication? server;

    /// <summary>
    /// A hub that takes publishes, refuses an empty one, breaks the caller's connection on "drop" and closes it on "close".
    /// </summary>
    public sealed class PublishHub : Hub
    {
        public void Publish(string message)
        {
            if (message.Length == 0)
            {
                throw new HubException("empty");
            }

            if (message == "drop")
            {
                Context.GetHttpContext()!.Abort();
            }

            if (message == "close")
            {
                Context.Abort();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSignalR();
        server = builder.Build();
        server.MapHub<PublishHub>("/hub");
        await server.StartAsync();
    }

    public async Task DisposeAsync() => await server!.DisposeAsync();

    private async Task<ITargetPublisher> ConnectAsync(string arg)
    {
        var spec = new SignalRPublish(server!.Urls.First() + "/hub", new Dictionary<string, string>(), "Publish", [arg]);
        var setup = new PublishSetup("s", new Payloads(16), TimeProvider.System, ["127.0.0.1"], null);
        return await spec.ConnectAsync(setup, CancellationToken.None);
    }

    [Fact]
    public async Task An_invocation_the_hub_completes_is_accepted_and_one_it_throws_on_is_refused_as_a_hub_error()
    {
        await using var accepting = await ConnectAsync("{event}");
        await using var throwing = await ConnectAsync("");

        await accepting.PublishAsync(1, 0, CancellationToken.None);
        var refused = () => throwing.PublishAsync(1, 0, CancellationToken.None).AsTask();

        var e = await Assert.ThrowsAsync<IterationFailedException>(refused);

        Assert.Equal((1L, 0L), (accepting.AcceptedCount, accepting.Rejected));
        Assert.Equal(("hub_error", 0L, 1L), (e.Kind, throwing.AcceptedCount, throwing.Rejected));
        Assert.Null(accepting.Warning);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("close")]
    public async Task A_hub_connection_broken_or_closed_is_made_again_and_the_result_says_so(string how)
    {
        await using var publisher = await ConnectAsync(how);

        // The hub ends the connection while it handles the invocation: the invocation itself may or may not complete.
        try
        {
            await publisher.PublishAsync(1, 0, CancellationToken.None);
        }
        catch (IterationFailedException e) when (e.Kind == "connection_lost")
        {
            // Refused: counted, as any publish while the connection is down.
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (publisher.Warning?.Text.Contains("made again 1", StringComparison.Ordinal) != true
            && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        var said = "publish.signalr: the publishing connection was lost 1 time(s), made again 1; ";
        Assert.StartsWith(said, publisher.Warning?.Text, StringComparison.Ordinal);
    }
}
