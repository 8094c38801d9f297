namespace Bench.Targets.Publishing;

/// <summary>Counts connections of one kind against a limit. Thread-safe.</summary>
public sealed class ConnectionLimiter(int max)
{
    private int open;

    public int Open => Volatile.Read(ref open);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref open) > max)
        {
            Interlocked.Decrement(ref open);
            return false;
        }

        return true;
    }

    public void Exit() => Interlocked.Decrement(ref open);
}
