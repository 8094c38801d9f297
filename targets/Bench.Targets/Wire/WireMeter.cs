namespace Bench.Targets.Wire;

/// <summary>
/// Bytes on the wire, counted on the sockets' streams (above TCP: IP and TCP headers and bare ACKs are not seen),
/// both directions, for every connection a meter is given to. Handshake bytes — the TLS handshake and, for WebSocket,
/// the HTTP upgrade — are counted apart from the bytes that follow, so per-event figures are not inflated by
/// connection set-up and set-up can be reported on its own. Thread-safe; totals only grow.
/// </summary>
public sealed class WireMeter
{
    private long sent;
    private long received;
    private long handshakeSent;
    private long handshakeReceived;
    private long connections;

    /// <summary>A counter for one new connection; every byte starts as handshake until <see cref="Connection.HandshakeDone"/>.</summary>
    public Connection Open(bool handshakeFirst)
    {
        Interlocked.Increment(ref connections);
        return new Connection(this, handshakeFirst);
    }

    public WireTotals Read() => new(
        Interlocked.Read(ref sent), Interlocked.Read(ref received),
        Interlocked.Read(ref handshakeSent), Interlocked.Read(ref handshakeReceived),
        Interlocked.Read(ref connections));

    /// <summary>One connection's counts: bytes go to the handshake totals until the handshake is done.</summary>
    public sealed class Connection
    {
        private readonly WireMeter meter;
        private volatile bool inHandshake;

        internal Connection(WireMeter meter, bool handshakeFirst)
        {
            this.meter = meter;
            inHandshake = handshakeFirst;
        }

        /// <summary>Bytes from here on are the connection's traffic, not its set-up.</summary>
        public void HandshakeDone() => inHandshake = false;

        public void Sent(int bytes) => Interlocked.Add(ref inHandshake ? ref meter.handshakeSent : ref meter.sent, bytes);

        public void Received(int bytes) => Interlocked.Add(ref inHandshake ? ref meter.handshakeReceived : ref meter.received, bytes);
    }
}

/// <summary>A meter's totals. "Sent" and "received" are from the side the meter counts on.</summary>
public readonly record struct WireTotals(long Sent, long Received, long HandshakeSent, long HandshakeReceived, long Connections)
{
    public static WireTotals operator -(WireTotals a, WireTotals b) => new(
        a.Sent - b.Sent,
        a.Received - b.Received,
        a.HandshakeSent - b.HandshakeSent,
        a.HandshakeReceived - b.HandshakeReceived,
        a.Connections - b.Connections);
}
