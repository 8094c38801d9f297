namespace Bench.Reports.Warnings;

/// <summary>
/// The one catalogue of warning kinds. A producer makes a warning with its kind's method
/// (<c>WarningKinds.NotExactlyOnce.Of(lost, duplicated)</c>); a filter tests <see cref="RunWarning.Is"/>; results.json
/// names the kind in <c>warningDetails</c>. A new kind is a type in this folder and a line here.
/// </summary>
public static class WarningKinds
{
    public static readonly CancelledWarning Cancelled = new();
    public static readonly PublishesRefusedWarning PublishesRefused = new();
    public static readonly RateNotReachedWarning RateNotReached = new();
    public static readonly GeneratorLateWarning GeneratorLate = new();
    public static readonly IterationsDroppedWarning IterationsDropped = new();
    public static readonly GeneratorSaturatedWarning GeneratorSaturated = new();
    public static readonly RequestsInFlightWarning RequestsInFlight = new();
    public static readonly DrainIncompleteWarning DrainIncomplete = new();
    public static readonly NotExactlyOnceWarning NotExactlyOnce = new();
    public static readonly ErrorsWarning Errors = new();
    public static readonly ReconnectsWarning Reconnects = new();
    public static readonly LateDeliveriesWarning LateDeliveries = new();
    public static readonly PendingAtEndWarning PendingAtEnd = new();
    public static readonly OrderNotKeptWarning OrderNotKept = new();
    public static readonly SignatureRejectedWarning SignatureRejected = new();
    public static readonly UnreadableEnvelopeWarning UnreadableEnvelope = new();
    public static readonly PublisherReconnectsWarning PublisherReconnects = new();
    public static readonly ClocksMixedWarning ClocksMixed = new();
    public static readonly FutureTimestampsWarning FutureTimestamps = new();
    public static readonly SilentSubscribersWarning SilentSubscribers = new();
    public static readonly FeedEndedWarning FeedEnded = new();
    public static readonly FaultNotInjectedWarning FaultNotInjected = new();
    public static readonly StormNotBackWarning StormNotBack = new();
    public static readonly SubscribersLoweredWarning SubscribersLowered = new();
    public static readonly TargetNotMeasuredWarning TargetNotMeasured = new();
    public static readonly CoarseCpuWarning CoarseCpu = new();
    public static readonly ConnectionsFailedWarning ConnectionsFailed = new();
    public static readonly ShardMissingWarning ShardMissing = new();
    public static readonly ExtrapolatedWarning Extrapolated = new();
    public static readonly GuaranteeNotMetWarning GuaranteeNotMet = new();

    /// <summary>A warning known only by its text: read from a results file written before warnings had kinds.</summary>
    public static readonly WarningKind Other = new("other");

    /// <summary>Every kind, <see cref="Other"/> last.</summary>
    public static readonly IReadOnlyList<WarningKind> All =
    [
        Cancelled, PublishesRefused, RateNotReached, GeneratorLate, IterationsDropped, GeneratorSaturated, RequestsInFlight,
        DrainIncomplete, NotExactlyOnce, Errors, Reconnects, LateDeliveries, PendingAtEnd, OrderNotKept, SignatureRejected,
        UnreadableEnvelope, PublisherReconnects, ClocksMixed, FutureTimestamps, SilentSubscribers, FeedEnded, FaultNotInjected,
        StormNotBack, SubscribersLowered, TargetNotMeasured, CoarseCpu, ConnectionsFailed, ShardMissing, Extrapolated,
        GuaranteeNotMet, Other,
    ];

    private static readonly Dictionary<string, WarningKind> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>
    /// The kind a results file names: the catalogue's, or — for a name this Bench does not know (a newer Bench's) — a kind
    /// of that name and unit, so it is kept and written back as read.
    /// </summary>
    public static WarningKind Named(string name, string? unit = null) =>
        ByName.TryGetValue(name, out var kind) ? kind : new WarningKind(name, unit);
}
