namespace Bench.Reports.Warnings;

/// <summary><c>not-exactly-once</c>: events lost or duplicated (effect: events, lost plus duplicated).</summary>
public sealed class NotExactlyOnceWarning() : WarningKind("not-exactly-once", "events")
{
    public RunWarning Of(long lost, long duplicated) => Warn(
        Inv($"events not delivered exactly once: {lost:N0} lost, {duplicated:N0} duplicated."), lost + duplicated);
}

/// <summary><c>errors</c>: errors counted in the case, the three most frequent named (effect: errors).</summary>
public sealed class ErrorsWarning() : WarningKind("errors", "errors")
{
    /// <summary>How many error kinds are named before "…".</summary>
    private const int Named = 3;

    public RunWarning Of(long errors, IReadOnlyCollection<KeyValuePair<string, long>> byKind)
    {
        var kinds = string.Join(", ", byKind.OrderByDescending(kv => kv.Value).Take(Named).Select(kv => Inv($"{kv.Key} × {kv.Value:N0}")));
        return Warn(Inv($"{errors:N0} errors: {kinds}{(byKind.Count > Named ? ", …" : "")}."), errors);
    }
}

/// <summary><c>reconnects</c>: a subscriber lost its connection (effect: disconnects).</summary>
public sealed class ReconnectsWarning() : WarningKind("reconnects", "disconnects")
{
    public RunWarning Of(string stream, int disconnects, long reconnectAttempts) => Warn(
        Inv($"subscriber {stream} lost its connection {disconnects} time(s) and made {reconnectAttempts} reconnect attempt(s)"),
        disconnects);
}

/// <summary>
/// <c>publisher-reconnects</c>: a target file's kept publishing connection (<c>publish.websocket</c>,
/// <c>publish.signalr</c>) was lost and made again (effect: times lost).
/// </summary>
public sealed class PublisherReconnectsWarning() : WarningKind("publisher-reconnects", "losses")
{
    public RunWarning Of(string field, long lost, long remade) => Warn(
        Inv($"{field}: the publishing connection was lost {lost} time(s), made again {remade}; ")
            + "publishes while it was down were refused (publish_connection_lost), not counted as lost",
        lost);
}

/// <summary><c>late-deliveries</c>: deliveries that missed their block's drain limit (effect: deliveries).</summary>
public sealed class LateDeliveriesWarning() : WarningKind("late-deliveries", "deliveries")
{
    public RunWarning Of(long late) => Warn(
        Inv($"{late:N0} deliveries arrived after their block's drain limit")
            + " (5 s after its last publish), before the target launch ended: counted delivered, not lost;"
            + " their own block's latency percentiles do not hold them",
        late);
}

/// <summary><c>pending-at-end</c>: deliveries still pending at the dispatcher when the drain ended (effect: deliveries).</summary>
public sealed class PendingAtEndWarning() : WarningKind("pending-at-end", "deliveries")
{
    /// <summary>After a fault: the dispatcher's retries had not finished.</summary>
    public RunWarning Retrying(long pending) => Warn(
        Inv($"the drain ended with {pending:N0} deliveries still pending at the dispatcher: their retries had not finished, ")
            + "so some of what is counted as lost may yet arrive.",
        pending);

    /// <summary>After a push: the deliveries were still in the dispatcher's outbox.</summary>
    public RunWarning InOutbox(long pending) => Warn(
        Inv($"the drain ended with {pending:N0} deliveries still pending at the dispatcher (in its outbox, not given up): ")
            + "what is counted as lost had not arrived yet, and may.",
        pending);
}

/// <summary><c>order-not-kept</c>: the setup delivers to an endpoint concurrently, so order is not kept.</summary>
public sealed class OrderNotKeptWarning() : WarningKind("order-not-kept")
{
    /// <summary>The webhook wan variant's concurrent deliveries.</summary>
    public RunWarning OverWan(int concurrency) => Warn(
        Inv($"over the wan variant the dispatcher sends up to {concurrency} deliveries to an endpoint at once (one at a time ")
            + "cannot keep 100 events/s over an 80 ms round trip), so order is not kept.");
}

/// <summary><c>signature-rejected</c>: deliveries that failed signature verification (effect: deliveries).</summary>
public sealed class SignatureRejectedWarning() : WarningKind("signature-rejected", "deliveries")
{
    public RunWarning Of(long rejected) => Warn(
        Inv($"{rejected:N0} deliveries failed signature verification and were answered 401."), rejected);
}

/// <summary><c>unreadable-envelope</c>: what arrived held no event where the target file says it sits.</summary>
public sealed class UnreadableEnvelopeWarning() : WarningKind("unreadable-envelope")
{
    /// <summary>Messages to a subscriber (WebSocket, SSE, SignalR); <paramref name="field"/> is the file's envelope field.</summary>
    public RunWarning Messages(string field, string envelope, string unreadable) => Of("messages", field, envelope, unreadable);

    /// <summary>Webhook deliveries.</summary>
    public RunWarning Deliveries(string field, string envelope, string unreadable) => Of("deliveries", field, envelope, unreadable);

    /// <summary>A <c>source: server</c> feed's messages, read by its <c>sequence</c> (and <c>timestamp</c>) paths.</summary>
    public RunWarning Feed(string sequence, string unreadable) =>
        Warn($"some messages held no readable sequence ({sequence}) or timestamp: {unreadable}");

    private RunWarning Of(string what, string field, string envelope, string unreadable) =>
        Warn($"some {what} held no readable event at {field} {envelope}: {unreadable}");
}
