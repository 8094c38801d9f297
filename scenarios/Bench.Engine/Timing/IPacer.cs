namespace Bench.Engine.Timing;

/// <summary>Blocks the scheduling thread until a timestamp of the run's <see cref="TimeProvider"/>.</summary>
public interface IPacer
{
    /// <summary>Returns when the clock has reached <paramref name="timestamp"/> (or at once if it already has).</summary>
    void WaitUntil(long timestamp, CancellationToken cancellationToken);

    /// <summary>Called once on the scheduling thread before the first wait.</summary>
    void OnSchedulerThreadStart()
    {
    }
}
