using Bench.Reports.Warnings;

namespace Bench.Harness.Clients;

/// <summary>What a run's subscribers say about their connections, in the same words for every fan-out.</summary>
public static class SubscriberHealth
{
    /// <summary>The disconnects subscribers noticed, as an error kind (empty when none).</summary>
    public static Dictionary<string, long> Errors(IEnumerable<IStreamSubscriber> subscribers)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        var disconnects = subscribers.Sum(s => s.Detections.Count);
        if (disconnects > 0)
        {
            errors["subscriber_disconnected"] = disconnects;
        }

        return errors;
    }

    /// <summary>One warning for each of the first three subscribers that lost their connection.</summary>
    public static IEnumerable<RunWarning> Warnings(IEnumerable<IStreamSubscriber> subscribers) =>
        subscribers.Where(s => s.Detections.Count > 0).Take(3)
            .Select(s => WarningKinds.Reconnects.Of(s.Stream, s.Detections.Count, s.ReconnectAttempts));
}
