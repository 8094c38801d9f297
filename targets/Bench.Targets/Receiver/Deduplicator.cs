namespace Bench.Targets.Receiver;

/// <summary>Remembers the last N delivery keys; a key seen again is a duplicate. Oldest keys are forgotten first.</summary>
public sealed class Deduplicator(int window)
{
    private readonly object gate = new();
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();

    /// <summary>True the first time a key is seen (within the window).</summary>
    public bool FirstTime(string key)
    {
        lock (gate)
        {
            if (!seen.Add(key))
            {
                return false;
            }

            order.Enqueue(key);
            while (order.Count > window)
            {
                seen.Remove(order.Dequeue());
            }

            return true;
        }
    }
}
