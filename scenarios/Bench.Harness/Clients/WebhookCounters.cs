using Bench.Targets.Dispatcher;
using Bench.Targets.Receiver;

namespace Bench.Harness.Clients;

/// <summary>How the dispatcher's and receivers' own counters become error kinds, the same in every scenario.</summary>
public static class WebhookCounters
{
    public static Dictionary<string, long> Errors(DispatcherStats dispatcher, ReceiverStats receivers)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, count) in dispatcher.Failures)
        {
            errors["delivery_" + kind] = count;
        }

        if (dispatcher.Dropped > 0)
        {
            errors["dispatcher_queue_full"] = dispatcher.Dropped;
        }

        if (dispatcher.GaveUp > 0)
        {
            errors["delivery_given_up"] = dispatcher.GaveUp;
        }

        foreach (var (kind, count) in receivers.Rejected)
        {
            errors["receiver_rejected_" + kind] = count;
        }

        return errors;
    }
}

/// <summary>A dispatcher outbox file in the temp folder for one run, deleted (with SQLite's side files) afterwards.</summary>
public sealed class TempOutbox : IDisposable
{
    public TempOutbox(string extension = ".db") => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(),
        $"bench-outbox-{Guid.NewGuid():N}{extension}");

    public string Path { get; }

    public void Dispose()
    {
        foreach (var f in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            File.Delete(f);
        }
    }
}
