using Bench.Engine.Load;
using Bench.Engine.Recording;

namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// A target file publisher's count of its events: the numbers the system took (loss is counted against them), and
/// the publishes it refused, with when the first was. Safe to call from several threads.
/// </summary>
public sealed class PublishCounts(TimeProvider clock)
{
    private readonly SequenceSet accepted = new();
    private long acceptedCount;
    private long rejected;
    private long firstRejection;

    public long AcceptedCount => Interlocked.Read(ref acceptedCount);

    public long Rejected => Interlocked.Read(ref rejected);

    /// <summary>When the first publish was refused (a timestamp), or 0.</summary>
    public long FirstRejectionTimestamp => Interlocked.Read(ref firstRejection);

    /// <summary>A copy of the numbers the system took.</summary>
    public SequenceSet Accepted()
    {
        lock (accepted)
        {
            return accepted.Clone();
        }
    }

    public void Accept(long number)
    {
        lock (accepted)
        {
            accepted.Add(number);
        }

        Interlocked.Increment(ref acceptedCount);
    }

    /// <summary>Counts a refused publish; the exception names its kind for the error counts (<c>publish_</c> + kind).</summary>
    public IterationFailedException Refused(string kind, string why, Exception? cause = null)
    {
        Interlocked.Increment(ref rejected);
        Interlocked.CompareExchange(ref firstRejection, clock.GetTimestamp(), 0);
        return new IterationFailedException(kind, why, cause);
    }

    /// <summary>What a result says about a kept publishing connection lost <paramref name="lost"/> times; null when it never was.</summary>
    public static Bench.Reports.Warnings.RunWarning? ConnectionWarning(string field, long lost, long remade) =>
        lost == 0 ? null : Bench.Reports.Warnings.WarningKinds.PublisherReconnects.Of(field, lost, remade);
}
