namespace Bench.Targets.Hub.SignalR;

/// <summary>
/// What SignalR holds before and beyond the hub's own counters. A negotiation keeps a connection's state on the server
/// until it connects or its token expires (15 s): it counts against <see cref="HubOptions.MaxConnections"/> meanwhile.
/// A connection with stateful reconnect keeps up to <see cref="HubOptions.StatefulReconnectBufferBytes"/> of unacknowledged
/// messages (about twice that in memory) while it lives and for 15 s after a drop; their sum stays within
/// <see cref="HubOptions.MaxStatefulReconnectBytes"/>: beyond it a client is negotiated without stateful reconnect.
/// Thread-safe.
/// </summary>
internal sealed class SignalRAdmission(HubOptions o, TimeProvider clock)
{
    /// <summary>How long SignalR keeps a negotiated connection that has not connected (its DisconnectTimeout).</summary>
    public static readonly TimeSpan NegotiationLifetime = TimeSpan.FromSeconds(15);

    private readonly object gate = new();
    private readonly Queue<long> negotiated = new();
    private readonly Queue<long> negotiatedStateful = new();
    private readonly long maxStateful = Math.Max(0, o.MaxStatefulReconnectBytes / Math.Max(1, 2 * o.StatefulReconnectBufferBytes));
    private int stateful;

    /// <summary>Connections with stateful reconnect now.</summary>
    public int StatefulConnections
    {
        get
        {
            lock (gate)
            {
                return stateful;
            }
        }
    }

    /// <summary>Negotiations not yet connected (nor expired).</summary>
    public int PendingNegotiations
    {
        get
        {
            lock (gate)
            {
                Expire();
                return negotiated.Count;
            }
        }
    }

    /// <summary>
    /// Counts a negotiation; false (refused) when it and the connections open would pass the connection limit. Tells
    /// whether it may use stateful reconnect, if it asks.
    /// </summary>
    public bool TryNegotiate(int openConnections, bool wantsStateful, out bool statefulAllowed)
    {
        lock (gate)
        {
            Expire();
            statefulAllowed = false;
            if (openConnections + negotiated.Count >= o.MaxConnections)
            {
                return false;
            }

            var now = clock.GetTimestamp();
            negotiated.Enqueue(now);
            if (wantsStateful && stateful + negotiatedStateful.Count < maxStateful)
            {
                negotiatedStateful.Enqueue(now);
                statefulAllowed = true;
            }

            return true;
        }
    }

    /// <summary>
    /// A negotiated connection connected: its negotiation no longer counts; a stateful one counts as stateful until it
    /// ends. False when a stateful one finds no room (the caller aborts it).
    /// </summary>
    public bool Connected(bool isStateful)
    {
        lock (gate)
        {
            Expire();
            negotiated.TryDequeue(out _);
            if (!isStateful)
            {
                return true;
            }

            negotiatedStateful.TryDequeue(out _);
            if (stateful >= maxStateful)
            {
                return false;
            }

            stateful++;
            return true;
        }
    }

    public void StatefulEnded()
    {
        lock (gate)
        {
            stateful--;
        }
    }

    private void Expire()
    {
        var oldest = clock.GetTimestamp() - (long)(NegotiationLifetime.TotalSeconds * clock.TimestampFrequency);
        while (negotiated.TryPeek(out var at) && at < oldest)
        {
            negotiated.Dequeue();
        }

        while (negotiatedStateful.TryPeek(out var at) && at < oldest)
        {
            negotiatedStateful.Dequeue();
        }
    }
}
