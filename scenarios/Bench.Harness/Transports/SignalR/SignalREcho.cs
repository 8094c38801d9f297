using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Targets;
using Bench.Targets.Events;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Harness.Transports.SignalR;

/// <summary>
/// rtt over SignalR: one connection per virtual user, each exchange an <c>Echo(id, stream, seq, ts, data)</c> invocation answered with the
/// payload.
/// </summary>
internal sealed class SignalREcho(TargetProcess target, HubConnection[] connections, WanLink? wan) : IRttSession
{
    public ITargetHandle Target => target;

    public static async Task<SignalREcho> StartAsync(TargetProcess target, string token, string url, RttSetup setup,
        WanLink? wan, CancellationToken ct)
    {
        var options = new SubscriberOptions { Wire = setup.Wire, Variant = setup.Variant, KeepAliveInterval = TimeSpan.Zero };
        var connections = new List<HubConnection>();
        try
        {
            foreach (var _ in Enumerable.Range(0, setup.Connections))
            {
                var connection = SignalRConnections.Build(url, token, options, reconnect: null);
                connections.Add(connection);
                await connection.StartAsync(ct).ConfigureAwait(false);
            }

            return new SignalREcho(target, [.. connections], wan);
        }
        catch
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public async ValueTask ExchangeAsync(IterationContext it, Payloads payload, CancellationToken ct)
    {
        var data = payload.StringFor(it.Number);
        string answer;
        try
        {
            answer = await connections[it.VirtualUser].InvokeAsync<string>("Echo", PublishedEvent.EventId(it.Number), "rtt", it.Number,
                it.IntendedTimestamp, data, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Microsoft.AspNetCore.SignalR.HubException)
        {
            throw new IterationFailedException("signalr_" + e.GetType().Name);
        }

        if (answer.Length != data.Length)
        {
            throw new IterationFailedException("echo_mismatch");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in connections)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        if (wan is not null)
        {
            await wan.DisposeAsync().ConfigureAwait(false);
        }

        await target.DisposeAsync().ConfigureAwait(false);
    }
}
