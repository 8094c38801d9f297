using System.Net.WebSockets;
using Bench.Targets.Hosting;

namespace Bench.Targets.Tests.Hardening;

/// <summary>Runs alone (other tests would move the heap it measures).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "memory, measured alone";
}

/// <summary>Memory a hostile client can make a target hold, against a stated bound.</summary>
[Collection(MemoryCollection.Name)]
public sealed class MemoryBoundTests
{
    [Fact]
    public async Task An_idle_echo_connection_costs_under_48_KiB_of_managed_heap_client_side_included()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.Token = HostileClient.Token);
        using (var warm = await HostileClient.OpenAsync(hub, "/ws/echo"))
        {
            await warm.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        const int count = 200;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                open.Add(await HostileClient.OpenAsync(hub, "/ws/echo"));
            }

            await Task.Delay(200);
            var after = GC.GetTotalMemory(forceFullCollection: true);

            // Client and server live in this process: the bound covers both sides of each connection (about 31 KiB
            // measured); a buffer of the largest message (64 KiB) held by every idle connection would break it.
            var perConnection = (after - before) / count;
            Assert.InRange(perConnection, 0, 48 * 1024);
        }
        finally
        {
            foreach (var ws in open)
            {
                ws.Abort();
                ws.Dispose();
            }
        }
    }
}
