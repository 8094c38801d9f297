using Bench.Targets.Hosting;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Targets.Tests.Hub.SignalR;

public sealed class OversizedMessageTests
{
    [Fact]
    public async Task A_signalr_message_beyond_the_limit_ends_the_connection_with_signalrs_close_message()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.MaxMessageBytes = 4096);
        await using var client = new HubConnectionBuilder().WithUrl(hub.Url + "/signalr").Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        await client.StartAsync();

        var call = client.InvokeAsync<string>("Echo", "e", "s", 1L, 1L, new string('x', 16 * 1024));
        var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains("Connection closed with an error", error?.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => call);
    }
}
