using Bench.Harness.Clients;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.Harness.Transports.SignalR;

/// <summary>
/// SignalR's automatic reconnect on Bench's backoff schedule, never giving up, counting attempts. SignalR starts its
/// retry count again at every reconnection, so a hub (or proxy) that completes the handshake and drops at once would be
/// retried at the first step forever: the schedule here carries over until a connection proves healthy.
/// </summary>
public sealed class SignalRBackoff(ReconnectPolicy policy, DisconnectLog log, TimeProvider clock) : IRetryPolicy
{
    private readonly ReconnectBackoff schedule = new(policy, clock);

    /// <summary>Watches <paramref name="connection"/>: a reconnection counts as connected from the moment it is back.</summary>
    public void Attach(HubConnection connection)
    {
        schedule.Connected();
        connection.Reconnected += _ =>
        {
            schedule.Connected();
            return Task.CompletedTask;
        };
    }

    /// <summary>An event arrived: the connection is healthy.</summary>
    public void Delivered() => schedule.Delivered();

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        if (retryContext.PreviousRetryCount == 0)
        {
            schedule.Disconnected();
        }

        log.Attempted();
        return schedule.NextDelay();
    }
}
